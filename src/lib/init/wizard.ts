import {existsSync} from 'node:fs'
import path from 'node:path'

import {ConfigError} from '../cli/errors.js'
import {parseConfigText} from '../config/load.js'
import {SOURCE_ROLES, type SourceConfig, type SourceRole} from '../config/sources-schema.js'
import {writeFileAtomic} from '../report/atomic.js'
import type {SourceProbe, CatalogTable} from './probe.js'
import {
  ORDER_LINE_FIELDS,
  ORDER_LINE_REQUIRED,
  proposeOrderLineMapping,
  proposeStockMapping,
  proposeWorkOrderMapping,
  rankOrderTables,
  rankStockTables,
  STOCK_FIELDS,
  WORK_ORDER_FIELDS,
  WORK_ORDER_REQUIRED,
  type MappingProposal,
  type StockField,
} from './recognise.js'
import {renderInitYaml, type InitPlan, type InitSource, type OrdersMesPlan, type StockSidePlan} from './yaml.js'

/** The prompt functions the wizard uses: @inquirer/prompts in the command, scripted answers in tests. */
export interface WizardPrompts {
  input(opts: {message: string; default?: string; validate?: (value: string) => boolean | string}): Promise<string>
  select<T>(opts: {message: string; choices: Array<{name: string; value: T; description?: string}>; default?: T}): Promise<T>
  confirm(opts: {message: string; default?: boolean}): Promise<boolean>
  password(opts: {message: string; mask?: string | boolean}): Promise<string>
}

export interface WizardDeps {
  prompts: WizardPrompts
  probe: SourceProbe
  /** Tell the user something (the command prints to stderr). */
  say(line: string): void
  env?: NodeJS.ProcessEnv
}

export interface InitResult {
  path: string
  written: boolean
  sources: Array<{name: string; role: SourceRole; client: 'mysql' | 'sqlite'; tested: 'ok' | 'failed'; server: string | null; tables: number | null}>
  stock: {erp: StockSidePlan; wms: StockSidePlan} | null
  /** The orders-mes reconcile job (ERP sales order lines ↔ MES work orders), when proposed and accepted. */
  ordersMes: OrdersMesPlan | null
  /** Environment variables the config reads passwords from that are not set in this shell. */
  unsetPasswordVariables: string[]
  validation: {valid: boolean; problems: string[]; warnings: string[]}
}

const NAME_RE = /^[A-Za-z][\w-]*$/
const WMS_ONLY: StockField[] = ['location', 'status']

function envVarFor(name: string): string {
  return `PLANTOPS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`
}

/**
 * The `plantops init` conversation: sources (each tested as it is added, its tables listed), a proposed stock
 * mapping to confirm or correct, then plantops.yaml written atomically (passwords as ${ENV} references only) and
 * validated like any other config.
 */
export async function runInitWizard(target: string, deps: WizardDeps): Promise<InitResult> {
  const {prompts: p, say} = deps
  const env = deps.env ?? process.env
  const abs = path.resolve(target)
  const baseDir = path.dirname(abs)
  const result: InitResult = {path: abs, written: false, sources: [], stock: null, ordersMes: null, unsetPasswordVariables: [], validation: {valid: false, problems: [], warnings: []}}
  if (existsSync(abs) && !(await p.confirm({message: `${abs} exists. Overwrite it?`, default: false}))) {
    say('Nothing written.')
    return result
  }
  const plant = (await p.input({message: 'Plant name', default: 'My plant'})).trim()
  const sources: InitSource[] = []
  const catalogs = new Map<string, CatalogTable[]>()
  const defaults = ['erp', 'wms', 'mes']
  let more = true
  while (more) {
    const added = await addSource(p, deps, sources, defaults.find((d) => !sources.some((s) => s.name === d)) ?? `source${sources.length + 1}`, baseDir, env, catalogs, result)
    if (added) sources.push(added)
    more = await p.confirm({message: 'Add another source?', default: sources.length < 2})
  }

  const erp = sources.find((s) => s.role === 'erp' && catalogs.has(s.name))
  const wms = sources.find((s) => s.role === 'wms' && catalogs.has(s.name))
  let stock: InitPlan['stock'] = null
  if (erp && wms && (await p.confirm({message: `Propose the stock mapping (${erp.name} against ${wms.name})?`, default: true}))) {
    const e = await chooseStockSide(p, say, erp.name, 'erp', catalogs.get(erp.name) ?? [])
    const w = e ? await chooseStockSide(p, say, wms.name, 'wms', catalogs.get(wms.name) ?? []) : null
    if (e && w) stock = {erp: e, wms: w}
  } else if (!erp || !wms) {
    say('No reachable ERP and WMS pair: the stock section is left out (add it later; see README "stock").')
  }
  result.stock = stock

  const mes = sources.find((s) => s.role === 'mes' && catalogs.has(s.name))
  let ordersMes: OrdersMesPlan | null = null
  if (erp && mes && (await p.confirm({message: `Propose the orders-mes reconcile job (${erp.name} sales order lines against ${mes.name} work orders)?`, default: true}))) {
    const left = await chooseMappedTable(p, say, {source: erp.name, what: 'Sales order line table', catalog: catalogs.get(erp.name) ?? [], side: 'orders'})
    const right = left ? await chooseMappedTable(p, say, {source: mes.name, what: 'Work order table', catalog: catalogs.get(mes.name) ?? [], side: 'work-orders'}) : null
    if (left && right) ordersMes = {left, right}
  }
  result.ordersMes = ordersMes

  const text = renderInitYaml({plant, sources, stock, ordersMes})
  await writeFileAtomic(abs, text)
  result.written = true
  result.unsetPasswordVariables = sources.filter((s) => s.passwordEnv && !env[s.passwordEnv]).map((s) => s.passwordEnv as string)
  // validate as `config validate` would, with placeholders for passwords not exported in this shell
  const placeholders = Object.fromEntries(result.unsetPasswordVariables.map((v) => [v, 'placeholder']))
  try {
    const loaded = parseConfigText(text, abs, {...env, ...placeholders})
    result.validation = {valid: true, problems: [], warnings: loaded.warnings}
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    result.validation = {valid: false, problems: error.problems.length > 0 ? error.problems : [error.message], warnings: []}
  }
  return result
}

async function addSource(
  p: WizardPrompts,
  deps: WizardDeps,
  existing: InitSource[],
  suggested: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  catalogs: Map<string, CatalogTable[]>,
  result: InitResult,
): Promise<InitSource | null> {
  const say = deps.say
  const name = (
    await p.input({
      message: 'Source name',
      default: suggested,
      validate: (v) => (!NAME_RE.test(v.trim()) ? 'letters, digits, "-" and "_", starting with a letter' : existing.some((s) => s.name === v.trim()) ? `"${v.trim()}" is already added` : true),
    })
  ).trim()
  const role = await p.select<SourceRole>({
    message: `Role of ${name}`,
    choices: SOURCE_ROLES.map((r) => ({name: r, value: r})),
    default: (SOURCE_ROLES as readonly string[]).includes(name) ? (name as SourceRole) : 'other',
  })
  const client = await p.select<'mysql' | 'sqlite'>({message: 'Database type', choices: [{name: 'MySQL / MariaDB (read-only replica)', value: 'mysql'}, {name: 'SQLite file', value: 'sqlite'}], default: 'mysql'})
  let source: InitSource
  for (;;) {
    let config: SourceConfig
    if (client === 'mysql') {
      const host = (await p.input({message: 'Host', default: '127.0.0.1'})).trim()
      const port = Number(await p.input({message: 'Port', default: '3306', validate: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) < 65536 ? true : 'a port number, 1-65535')}))
      const database = (await p.input({message: 'Database', validate: (v) => (v.trim() ? true : 'required')})).trim()
      const user = (await p.input({message: 'Account (a read-only user)', default: 'plantops_ro'})).trim()
      const passwordEnv = (await p.input({message: 'Environment variable that will hold the password', default: envVarFor(name), validate: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.trim()) ? true : 'an environment variable name')})).trim()
      const password = env[passwordEnv] || (await p.password({message: `Password of ${user} (for this test only; never written)`, mask: '*'}))
      source = {name, role, client, host, port, database, user, passwordEnv}
      config = {client: 'mysql', role, connection: {host, port, user, password, database}, statementTimeoutSeconds: 60, connectTimeoutSeconds: 5, maxLagSeconds: 900}
    } else {
      const filename = (await p.input({message: 'SQLite file (relative to plantops.yaml)', validate: (v) => (v.trim() ? true : 'required')})).trim()
      source = {name, role, client, filename}
      config = {client: 'sqlite', role, connection: {filename}, statementTimeoutSeconds: 60, connectTimeoutSeconds: 5, maxLagSeconds: 900}
    }
    const tested = await testSource(deps, name, config, baseDir)
    if (tested.ok) {
      catalogs.set(name, tested.catalog)
      result.sources.push({name, role, client, tested: 'ok', server: tested.server, tables: tested.catalog.length})
      break
    }
    const next = await p.select<'retry' | 'keep' | 'drop'>({
      message: `${name}: what now?`,
      choices: [
        {name: 'Re-enter the connection settings', value: 'retry'},
        {name: 'Keep it anyway (fix it later)', value: 'keep'},
        {name: 'Leave this source out', value: 'drop'},
      ],
      default: 'retry',
    })
    if (next === 'drop') return null
    if (next === 'keep') {
      result.sources.push({name, role, client, tested: 'failed', server: null, tables: null})
      break
    }
  }
  const owner = (await p.input({message: `Who owns ${name}? (person or team; optional)`, default: ''})).trim()
  if (owner) source.owner = owner
  say(`added source ${name}`)
  return source
}

async function testSource(deps: WizardDeps, name: string, config: SourceConfig, baseDir: string): Promise<{ok: true; server: string; catalog: CatalogTable[]} | {ok: false}> {
  try {
    const probed = await deps.probe.connect(name, config, baseDir)
    try {
      const catalog = await probed.catalog()
      const server = `${probed.server.flavor} ${probed.server.version}`
      deps.say(`✓ ${name}: connected (${server}, session ${probed.server.readOnlySession ? 'read-only' : 'NOT read-only'}); ${catalog.length} tables`)
      const shown = catalog.slice(0, 12).map((t) => `${t.name}${t.rows === null ? '' : ` (≈${t.rows})`}`)
      if (shown.length > 0) deps.say(`  tables: ${shown.join(', ')}${catalog.length > shown.length ? `, … ${catalog.length - shown.length} more` : ''}`)
      return {ok: true, server, catalog}
    } finally {
      await probed.close()
    }
  } catch (error) {
    const hints = (error as {hints?: string[]}).hints ?? []
    deps.say(`✗ ${name}: ${(error as Error).message}`)
    for (const h of hints) deps.say(`  hint: ${h}`)
    return {ok: false}
  }
}

async function chooseStockSide(p: WizardPrompts, say: (l: string) => void, source: string, side: 'erp' | 'wms', catalog: CatalogTable[]): Promise<StockSidePlan | null> {
  const ranked = rankStockTables(catalog)
  if (ranked.length === 0) {
    say(`${source} has no tables: the stock section is left out.`)
    return null
  }
  const table = await p.select<string | null>({
    message: `Stock table in ${source} (${side.toUpperCase()} side)`,
    choices: [...ranked.slice(0, 30).map((t) => ({name: t.name, value: t.name as string | null})), {name: '(skip the stock mapping)', value: null}],
    default: ranked[0].name,
  })
  if (table === null) return null
  const columns = catalog.find((t) => t.name === table)?.columns ?? []
  const proposal = proposeStockMapping(columns)
  const fields = STOCK_FIELDS.filter((f) => f !== 'updatedAt' && (side === 'wms' || !WMS_ONLY.includes(f)))
  const chosen: Partial<Record<StockField, string>> = {}
  for (const f of fields) if (proposal.fields[f]) chosen[f] = proposal.fields[f]?.column
  say(`Proposed ${side.toUpperCase()} mapping for ${source}.${table}:`)
  for (const f of fields) say(`  ${f.padEnd(10)} ${chosen[f] ?? '(not found)'}${proposal.fields[f]?.confidence === 0.6 ? '  (guess)' : ''}`)
  const required: StockField[] = ['item', 'warehouse', 'qty']
  const complete = required.every((f) => chosen[f])
  if (!complete || !(await p.confirm({message: `Use this mapping for ${source}.${table}?`, default: true}))) {
    for (const f of fields) {
      const choice = await p.select<string | null>({
        message: `Column for ${f}${required.includes(f) ? ' (required)' : ''}`,
        choices: [...(required.includes(f) ? [] : [{name: '(none)', value: null as string | null}]), ...columns.map((c) => ({name: c, value: c as string | null}))],
        default: chosen[f] ?? (required.includes(f) ? columns[0] : null),
      })
      if (choice === null) delete chosen[f]
      else chosen[f] = choice
    }
  }
  return {source, table, columns: chosen, updatedAt: proposal.fields.updatedAt?.column ?? null}
}

/**
 * One side of the orders-mes job: the table (ranked by the columns recognised), the proposed column per field, then
 * confirm it or pick each column. Returns null when the user skips the job.
 */
async function chooseMappedTable(
  p: WizardPrompts,
  say: (l: string) => void,
  opts: {source: string; what: string; catalog: CatalogTable[]; side: 'orders' | 'work-orders'},
): Promise<{source: string; table: string; columns: Record<string, string>} | null> {
  const ranked = rankOrderTables(opts.catalog, opts.side)
  if (ranked.length === 0) {
    say(`${opts.source} has no tables: the orders-mes job is left out.`)
    return null
  }
  const table = await p.select<string | null>({
    message: `${opts.what} in ${opts.source}`,
    choices: [...ranked.slice(0, 30).map((t) => ({name: t.name, value: t.name as string | null})), {name: '(skip the orders-mes job)', value: null}],
    default: ranked[0].name,
  })
  if (table === null) return null
  const columns = opts.catalog.find((t) => t.name === table)?.columns ?? []
  const proposal: MappingProposal<string> = opts.side === 'orders' ? proposeOrderLineMapping(columns) : proposeWorkOrderMapping(columns)
  const fields: readonly string[] = opts.side === 'orders' ? ORDER_LINE_FIELDS : WORK_ORDER_FIELDS
  const required: readonly string[] = opts.side === 'orders' ? ORDER_LINE_REQUIRED : WORK_ORDER_REQUIRED
  const chosen: Record<string, string> = {}
  for (const f of fields) if (proposal.fields[f]) chosen[f] = proposal.fields[f]!.column
  say(`Proposed ${opts.side === 'orders' ? 'order line' : 'work order'} mapping for ${opts.source}.${table}:`)
  for (const f of fields) say(`  ${f.padEnd(10)} ${chosen[f] ?? '(not found)'}${proposal.fields[f]?.confidence === 0.6 ? '  (guess)' : ''}`)
  const complete = required.every((f) => chosen[f])
  if (!complete || !(await p.confirm({message: `Use this mapping for ${opts.source}.${table}?`, default: true}))) {
    for (const f of fields) {
      const req = required.includes(f)
      const choice = await p.select<string | null>({
        message: `Column for ${f}${req ? ' (required)' : ''}`,
        choices: [...(req ? [] : [{name: '(none)', value: null as string | null}]), ...columns.map((c) => ({name: c, value: c as string | null}))],
        default: chosen[f] ?? (req ? columns[0] : null),
      })
      if (choice === null) delete chosen[f]
      else chosen[f] = choice
    }
  }
  return {source: opts.source, table, columns: chosen}
}
