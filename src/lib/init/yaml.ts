import {Document} from 'yaml'

import type {SourceRole} from '../config/sources-schema.js'
import type {StockField} from './recognise.js'

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

export interface InitPlan {
  plant: string
  sources: InitSource[]
  stock: {erp: StockSidePlan; wms: StockSidePlan} | null
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
  const doc = new Document(config)
  doc.commentBefore = [
    ' plantops.yaml written by `plantops init`. Check it with `plantops config validate`.',
    ' Passwords are never stored here: each source reads its password from the environment variable named',
    ' in password: ${VAR} (export it, or use passwordFile: PATH). Use a read-only account (GRANT SELECT only).',
  ].join('\n')
  const pairComment = (key: string, comment: string) => {
    const pair = doc.contents && 'items' in doc.contents ? (doc.contents.items as Array<{key: {value?: unknown; commentBefore?: string}}>).find((i) => i.key.value === key) : undefined
    if (pair) pair.key.commentBefore = comment
  }
  pairComment('systems', ' The system map: add the systems plantops cannot read (PLM, CRM, OA, SCADA, spreadsheets) and the flows\n between them, manual re-keying included; then run `plantops systems map` and `plantops systems audit`.')
  if (plan.stock) pairComment('stock', ' Stock reconciliation (ERP against WMS), as proposed and confirmed in the wizard. Add warehouseMap,\n itemMap, units and tolerance as your plant needs (README "stock"). Run `plantops stock diff`.')
  return doc.toString({lineWidth: 0})
}
