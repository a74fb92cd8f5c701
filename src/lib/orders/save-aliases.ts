import {readFileSync} from 'node:fs'

import {isMap, isSeq, parseDocument, YAMLMap, YAMLSeq} from 'yaml'

import {writeFileAtomic} from '../report/atomic.js'

/**
 * Add header aliases to `orders.fields.<field>.aliases` in plantops.yaml, editing the YAML document in place so
 * comments, order and formatting of everything else are kept; written atomically (temp file + rename).
 * Returns the aliases actually added (those already present are skipped).
 */
export async function saveAliases(configPath: string, aliases: Record<string, string>): Promise<Array<{field: string; alias: string}>> {
  const doc = parseDocument(readFileSync(configPath, 'utf8'))
  const added: Array<{field: string; alias: string}> = []
  for (const [field, alias] of Object.entries(aliases)) {
    const path = ['orders', 'fields', field, 'aliases']
    for (let i = 1; i < path.length; i++) {
      const node = doc.getIn(path.slice(0, i), true)
      if (node === undefined || node === null || (!isMap(node) && i < path.length)) doc.setIn(path.slice(0, i), new YAMLMap())
    }
    let seq = doc.getIn(path, true)
    if (!isSeq(seq)) {
      seq = new YAMLSeq()
      ;(seq as YAMLSeq).flow = true
      doc.setIn(path, seq)
    }
    const items = (seq as YAMLSeq).items.map((n) => String((n as {value?: unknown}).value ?? n))
    if (items.includes(alias)) continue
    ;(seq as YAMLSeq).add(doc.createNode(alias))
    added.push({field, alias})
  }
  if (added.length > 0) await writeFileAtomic(configPath, doc.toString({flowCollectionPadding: false}))
  return added
}
