import {existsSync} from 'node:fs'
import path from 'node:path'

import {ConfigError} from '../cli/errors.js'
import {label, t} from '../i18n/index.js'
import {parseConfigText} from '../config/load.js'
import {SOURCE_ROLES, type SourceConfig, type SourceRole} from '../config/sources-schema.js'
import {writeFileAtomic} from '../report/atomic.js'
import {displayWidth} from '../report/width.js'
import {roleLabel} from '../systems/map/labels.js'
import {padDisplay} from '../systems/message.js'
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
  if (existsSync(abs) && !(await p.confirm({message: t('init.prompt.overwrite', {file: abs}), default: false}))) {
    say(t('init.say.nothingWritten'))
    return result
  }
  const plant = (await p.input({message: t('init.prompt.plant'), default: t('init.prompt.plantDefault')})).trim()
  const sources: InitSource[] = []
  const catalogs = new Map<string, CatalogTable[]>()
  const defaults = ['erp', 'wms', 'mes']
  let more = true
  while (more) {
    const added = await addSource(p, deps, sources, defaults.find((d) => !sources.some((s) => s.name === d)) ?? `source${sources.length + 1}`, baseDir, env, catalogs, result)
    if (added) sources.push(added)
    more = await p.confirm({message: t('init.prompt.anotherSource'), default: sources.length < 2})
  }

  const erp = sources.find((s) => s.role === 'erp' && catalogs.has(s.name))
  const wms = sources.find((s) => s.role === 'wms' && catalogs.has(s.name))
  let stock: InitPlan['stock'] = null
  if (erp && wms && (await p.confirm({message: t('init.prompt.proposeStock', {erp: erp.name, wms: wms.name}), default: true}))) {
    const e = await chooseStockSide(p, say, erp.name, 'erp', catalogs.get(erp.name) ?? [])
    const w = e ? await chooseStockSide(p, say, wms.name, 'wms', catalogs.get(wms.name) ?? []) : null
    if (e && w) stock = {erp: e, wms: w}
  } else if (!erp || !wms) {
    say(t('init.say.noStockPair'))
  }
  result.stock = stock

  const mes = sources.find((s) => s.role === 'mes' && catalogs.has(s.name))
  let ordersMes: OrdersMesPlan | null = null
  if (erp && mes && (await p.confirm({message: t('init.prompt.proposeOrdersMes', {erp: erp.name, mes: mes.name}), default: true}))) {
    const left = await chooseMappedTable(p, say, {source: erp.name, what: t('init.prompt.orderLineTable'), catalog: catalogs.get(erp.name) ?? [], side: 'orders'})
    const right = left ? await chooseMappedTable(p, say, {source: mes.name, what: t('init.prompt.workOrderTable'), catalog: catalogs.get(mes.name) ?? [], side: 'work-orders'}) : null
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
      message: t('init.prompt.sourceName'),
      default: suggested,
      validate: (v) => (!NAME_RE.test(v.trim()) ? t('init.validate.name') : existing.some((s) => s.name === v.trim()) ? t('init.validate.duplicate', {name: v.trim()}) : true),
    })
  ).trim()
  const role = await p.select<SourceRole>({
    message: t('init.prompt.role', {name}),
    choices: SOURCE_ROLES.map((r) => ({name: roleLabel(r), value: r})),
    default: (SOURCE_ROLES as readonly string[]).includes(name) ? (name as SourceRole) : 'other',
  })
  const client = await p.select<'mysql' | 'sqlite'>({message: t('init.prompt.client'), choices: [{name: t('init.choice.mysql'), value: 'mysql'}, {name: t('init.choice.sqlite'), value: 'sqlite'}], default: 'mysql'})
  let source: InitSource
  for (;;) {
    let config: SourceConfig
    if (client === 'mysql') {
      const host = (await p.input({message: t('init.prompt.host'), default: '127.0.0.1'})).trim()
      const port = Number(await p.input({message: t('init.prompt.port'), default: '3306', validate: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 && Number(v) < 65536 ? true : t('init.validate.port'))}))
      const database = (await p.input({message: t('init.prompt.database'), validate: (v) => (v.trim() ? true : t('init.validate.required'))})).trim()
      const user = (await p.input({message: t('init.prompt.user'), default: 'plantops_ro'})).trim()
      const passwordEnv = (await p.input({message: t('init.prompt.passwordEnv'), default: envVarFor(name), validate: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.trim()) ? true : t('init.validate.envVar'))})).trim()
      const password = env[passwordEnv] || (await p.password({message: t('init.prompt.password', {user}), mask: '*'}))
      source = {name, role, client, host, port, database, user, passwordEnv}
      config = {client: 'mysql', role, connection: {host, port, user, password, database}, statementTimeoutSeconds: 60, connectTimeoutSeconds: 5, maxLagSeconds: 900}
    } else {
      const filename = (await p.input({message: t('init.prompt.sqliteFile'), validate: (v) => (v.trim() ? true : t('init.validate.required'))})).trim()
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
      message: t('init.prompt.whatNow', {name}),
      choices: [
        {name: t('init.choice.retry'), value: 'retry'},
        {name: t('init.choice.keep'), value: 'keep'},
        {name: t('init.choice.drop'), value: 'drop'},
      ],
      default: 'retry',
    })
    if (next === 'drop') return null
    if (next === 'keep') {
      result.sources.push({name, role, client, tested: 'failed', server: null, tables: null})
      break
    }
  }
  const owner = (await p.input({message: t('init.prompt.owner', {name}), default: ''})).trim()
  if (owner) source.owner = owner
  say(t('init.say.added', {name}))
  return source
}

async function testSource(deps: WizardDeps, name: string, config: SourceConfig, baseDir: string): Promise<{ok: true; server: string; catalog: CatalogTable[]} | {ok: false}> {
  try {
    const probed = await deps.probe.connect(name, config, baseDir)
    try {
      const catalog = await probed.catalog()
      const server = `${probed.server.flavor} ${probed.server.version}`
      deps.say(t('init.say.connected', {name, server, session: probed.server.readOnlySession ? t('init.say.sessionReadOnly') : t('init.say.sessionNotReadOnly'), count: catalog.length}))
      const shown = catalog.slice(0, 12).map((c) => (c.rows === null ? c.name : t('init.say.tableRows', {table: c.name, rows: c.rows})))
      if (shown.length > 0) {
        const more = catalog.length > shown.length ? t('init.say.moreTables', {count: catalog.length - shown.length}) : ''
        deps.say(t('init.say.tables', {tables: shown.join(t('common.listSeparator')), more}))
      }
      return {ok: true, server, catalog}
    } finally {
      await probed.close()
    }
  } catch (error) {
    const hints = (error as {hints?: string[]}).hints ?? []
    deps.say(t('init.say.failed', {name, error: (error as Error).message}))
    for (const h of hints) deps.say(t('cli.hint', {hint: h}))
    return {ok: false}
  }
}

async function chooseStockSide(p: WizardPrompts, say: (l: string) => void, source: string, side: 'erp' | 'wms', catalog: CatalogTable[]): Promise<StockSidePlan | null> {
  const ranked = rankStockTables(catalog)
  if (ranked.length === 0) {
    say(t('init.say.noTablesStock', {source}))
    return null
  }
  const table = await p.select<string | null>({
    message: t('init.prompt.stockTable', {source, side: side.toUpperCase()}),
    choices: [...ranked.slice(0, 30).map((r) => ({name: r.name, value: r.name as string | null})), {name: t('init.choice.skipStock'), value: null}],
    default: ranked[0].name,
  })
  if (table === null) return null
  const columns = catalog.find((t) => t.name === table)?.columns ?? []
  const proposal = proposeStockMapping(columns)
  const fields = STOCK_FIELDS.filter((f) => f !== 'updatedAt' && (side === 'wms' || !WMS_ONLY.includes(f)))
  const chosen: Partial<Record<StockField, string>> = {}
  for (const f of fields) if (proposal.fields[f]) chosen[f] = proposal.fields[f]?.column
  say(t('init.say.proposedStock', {side: side.toUpperCase(), source, table}))
  for (const line of proposalLines(fields, chosen, proposal)) say(line)
  const required: StockField[] = ['item', 'warehouse', 'qty']
  const complete = required.every((f) => chosen[f])
  if (!complete || !(await p.confirm({message: t('init.prompt.useMapping', {source, table}), default: true}))) {
    for (const f of fields) {
      const choice = await p.select<string | null>({
        message: columnPrompt(f, required.includes(f)),
        choices: [...(required.includes(f) ? [] : [{name: t('init.choice.none'), value: null as string | null}]), ...columns.map((c) => ({name: c, value: c as string | null}))],
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
    say(t('init.say.noTablesOrders', {source: opts.source}))
    return null
  }
  const table = await p.select<string | null>({
    message: t('init.prompt.tableIn', {what: opts.what, source: opts.source}),
    choices: [...ranked.slice(0, 30).map((r) => ({name: r.name, value: r.name as string | null})), {name: t('init.choice.skipOrdersMes'), value: null}],
    default: ranked[0].name,
  })
  if (table === null) return null
  const columns = opts.catalog.find((t) => t.name === table)?.columns ?? []
  const proposal: MappingProposal<string> = opts.side === 'orders' ? proposeOrderLineMapping(columns) : proposeWorkOrderMapping(columns)
  const fields: readonly string[] = opts.side === 'orders' ? ORDER_LINE_FIELDS : WORK_ORDER_FIELDS
  const required: readonly string[] = opts.side === 'orders' ? ORDER_LINE_REQUIRED : WORK_ORDER_REQUIRED
  const chosen: Record<string, string> = {}
  for (const f of fields) if (proposal.fields[f]) chosen[f] = proposal.fields[f]!.column
  say(opts.side === 'orders' ? t('init.say.proposedOrderLines', {source: opts.source, table}) : t('init.say.proposedWorkOrders', {source: opts.source, table}))
  for (const line of proposalLines(fields, chosen, proposal)) say(line)
  const complete = required.every((f) => chosen[f])
  if (!complete || !(await p.confirm({message: t('init.prompt.useMapping', {source: opts.source, table}), default: true}))) {
    for (const f of fields) {
      const req = required.includes(f)
      const choice = await p.select<string | null>({
        message: columnPrompt(f, req),
        choices: [...(req ? [] : [{name: t('init.choice.none'), value: null as string | null}]), ...columns.map((c) => ({name: c, value: c as string | null}))],
        default: chosen[f] ?? (req ? columns[0] : null),
      })
      if (choice === null) delete chosen[f]
      else chosen[f] = choice
    }
  }
  return {source: opts.source, table, columns: chosen}
}

/** A mapping field as people read it (English: its YAML key, e.g. `qty`; Chinese: 数量 (qty)). */
function fieldLabel(field: string): string {
  // i18n-dynamic: init.field.*
  return label(`init.field.${field}`)
}

function columnPrompt(field: string, required: boolean): string {
  return required ? t('init.prompt.columnRequired', {field: fieldLabel(field)}) : t('init.prompt.column', {field: fieldLabel(field)})
}

/** The proposed column per field, one line each, aligned by display width. */
function proposalLines(fields: readonly string[], chosen: Partial<Record<string, string>>, proposal: MappingProposal<string>): string[] {
  const width = Math.max(10, ...fields.map((f) => displayWidth(fieldLabel(f))))
  return fields.map((f) => `  ${padDisplay(fieldLabel(f), width)} ${chosen[f] ?? t('init.say.notFound')}${proposal.fields[f]?.confidence === 0.6 ? t('init.say.guess') : ''}`)
}
