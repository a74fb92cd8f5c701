import {t} from '../i18n/index.js'
import type {HeaderCandidate} from './locate-header.js'
import {fieldLabel, type FieldSpec} from './fields.js'

/**
 * Ask on the terminal which column holds each required field no header matched. Returns field → header text
 * (to use as an extra alias), or null when the user gives up on a required field.
 */
export async function promptColumnMapping(file: string, candidate: HeaderCandidate, missing: FieldSpec[]): Promise<Record<string, string> | null> {
  const {select} = await import('@inquirer/prompts')
  const answers: Record<string, string> = {}
  const free = [...new Set(candidate.match.unmatchedHeaders)]
  process.stderr.write(`${t('orders.prompt.unknownHeaders', {file, sheet: candidate.sheet, row: candidate.match.rowNumber})}\n`)
  for (const f of missing) {
    const choices = free.filter((h) => !Object.values(answers).includes(h))
    if (choices.length === 0) return null
    const picked = await select<string>({
      message: t('orders.prompt.whichColumn', {field: fieldLabel(f.name)}),
      choices: [...choices.map((h) => ({name: h, value: h})), {name: t('orders.prompt.noneStop'), value: '\u0000'}],
    })
    if (picked === '\u0000') return null
    answers[f.name] = picked
  }
  return answers
}

export async function confirmSave(configPath: string): Promise<boolean> {
  const {confirm} = await import('@inquirer/prompts')
  return confirm({message: t('orders.prompt.saveAliases', {path: configPath}), default: true})
}
