import {Document} from 'yaml'

import {t} from '../i18n/index.js'

import type {SourceRole} from '../config/sources-schema.js'
import type {OrderLineField, StockField, WorkOrderField} from './recognise.js'

export interface InitSource {
  name: string
  role: SourceRole
  client: 'mysql' | 'sqlite'
  host?: string
  port?: number
  database?: string
  user?: string
  /** The environment variable the password is read from: written as password: ${VAR}, never the password. */
  passwordEnv?: string
  filename?: string
  owner?: string
}

export interface StockSidePlan {
  source: string
  table: string
  columns: Partial<Record<StockField, string>>
  /** A recognised updated-at column: used as the system's freshness probe. */
  updatedAt: string | null
}

/** The orders-mes reconcile job as recognised and confirmed: ERP sales order lines (left) ↔ MES work orders (right). */
export interface OrdersMesPlan {
  left: {source: string; table: string; columns: Partial<Record<OrderLineField, string>>}
  right: {source: string; table: string; columns: Partial<Record<WorkOrderField, string>>}
}

export interface InitPlan {
  plant: string
  sources: InitSource[]
  stock: {erp: StockSidePlan; wms: StockSidePlan} | null
  ordersMes?: OrdersMesPlan | null
}

/**
 * The `reconcile.jobs.orders-mes` section: linked by order number and line (one order line may be split into several
 * work orders: summed), comparing item, quantity and due date (a work order finishing after the order's due date is
 * late); without a line number on both sides, both sides are grouped per order (quantities summed, latest dates).
 */
export function ordersMesJob(plan: OrdersMesPlan): Record<string, unknown> {
  const l = plan.left.columns
  const r = plan.right.columns
  const byLine = Boolean(l.lineNo && r.lineNo)
  const keys = [{name: 'order_no', left: l.orderNo, right: r.orderNo}, ...(byLine ? [{name: 'line_no', left: l.lineNo, right: r.lineNo}] : [])]
  const compare: Record<string, unknown> = {}
  if (byLine && l.item && r.item) compare.item = {type: 'code', left: l.item, right: r.item}
  compare.qty = {type: 'decimal', left: l.qty, right: r.qty}
  if (l.dueDate && r.dueDate) compare.due_date = {type: 'date', left: l.dueDate, right: r.dueDate, direction: 'right-later'}
  const side = (s: {source: string; table: string}, label: string, changedAt: string | undefined) => ({source: s.source, table: s.table, label, ...(changedAt ? {changedAt} : {})})
  return {
    description: t('init.yaml.ordersMesDescription'),
    left: side(plan.left, 'ERP', l.changedAt),
    right: side(plan.right, 'MES', r.changedAt),
    link: {keys, cardinality: byLine ? 'one-to-many' : 'one-to-one'},
    ...(byLine ? {} : {group: true}),
    compare,
    ...(l.changedAt ? {grace: {afterMinutes: 120}} : {}),
    names: {only_in_left: 'missing_in_mes', only_in_right: 'orphan_in_mes'},
  }
}

const SIDE_KEYS: Record<'erp' | 'wms', StockField[]> = {erp: ['item', 'warehouse', 'lot', 'qty', 'uom'], wms: ['item', 'warehouse', 'lot', 'qty', 'uom', 'location', 'status']}

/** The plantops.yaml `plantops init` writes: sources, the system map's systems, the stock mapping; commented, no secrets. */
export function renderInitYaml(plan: InitPlan): string {
  const sources: Record<string, unknown> = {}
  for (const s of plan.sources) {
    sources[s.name] =
      s.client === 'mysql'
        ? {role: s.role, client: 'mysql', connection: {host: s.host, port: s.port, user: s.user, password: `\${${s.passwordEnv}}`, database: s.database}}
        : {role: s.role, client: 'sqlite', connection: {filename: s.filename}}
  }
  const systems: Record<string, unknown> = {}
  for (const s of plan.sources) {
    const side = plan.stock && (plan.stock.erp.source === s.name ? plan.stock.erp : plan.stock.wms.source === s.name ? plan.stock.wms : null)
    systems[s.name] = {
      role: s.role,
      ...(s.owner ? {owner: s.owner} : {}),
      source: s.name,
      ...(side?.updatedAt ? {updatedAt: {table: side.table, column: side.updatedAt}} : {}),
    }
  }
  const config: Record<string, unknown> = {version: 1, plant: plan.plant, sources, systems: {systems, flows: []}}
  if (plan.stock) {
    const side = (k: 'erp' | 'wms') => {
      const s = plan.stock![k]
      return {source: s.source, table: s.table, columns: Object.fromEntries(SIDE_KEYS[k].filter((f) => s.columns[f]).map((f) => [f, s.columns[f]]))}
    }
    config.stock = {erp: side('erp'), wms: side('wms')}
  }
  if (plan.ordersMes) config.reconcile = {jobs: {'orders-mes': ordersMesJob(plan.ordersMes)}}
  const doc = new Document(config)
  // YAML comments: one line of the catalog message per comment line, each after a space ("# text")
  const comment = (text: string) => text.split('\n').map((l) => ` ${l}`).join('\n')
  doc.commentBefore = comment(t('init.yaml.header'))
  const pairComment = (key: string, comment: string) => {
    const pair = doc.contents && 'items' in doc.contents ? (doc.contents.items as Array<{key: {value?: unknown; commentBefore?: string}}>).find((i) => i.key.value === key) : undefined
    if (pair) pair.key.commentBefore = comment
  }
  pairComment('systems', comment(t('init.yaml.systems')))
  if (plan.ordersMes) {
    pairComment('reconcile', comment(t('init.yaml.reconcile')))
  }
  if (plan.stock) pairComment('stock', comment(t('init.yaml.stock')))
  return doc.toString({lineWidth: 0})
}
