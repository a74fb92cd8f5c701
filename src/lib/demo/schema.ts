/**
 * The demo plant's tables, one spec per table, rendered as DDL for SQLite and MariaDB/MySQL. Rows travel through the
 * writer as arrays in the column order given here. Secondary indexes are created after the bulk load.
 */
export type DemoSystem = 'erp' | 'wms' | 'mes'
export type Dialect = 'sqlite' | 'mysql'

/** str: quoted text; dec: exact decimal literal; int: integer literal; date/datetime: quoted 'YYYY-MM-DD[ HH:MM:SS]'. */
export type ColKind = 'str' | 'dec' | 'int' | 'date' | 'datetime'

export interface ColumnSpec {
  name: string
  kind: ColKind
  /** SQL type as declared in both dialects (SQLite keeps DECIMAL(18,4) as declared, NUMERIC affinity). */
  type: string
  /** SQLite declaration when it differs (INTEGER PRIMARY KEY makes `id` the rowid). */
  sqliteType?: string
  nullable?: boolean
}

export interface TableSpec {
  system: DemoSystem
  name: string
  columns: ColumnSpec[]
  primaryKey: string[]
  indexes: Array<{name: string; columns: string[]}>
}

const str = (name: string, n: number, nullable = false): ColumnSpec => ({name, kind: 'str', type: `VARCHAR(${n})`, nullable})
const dec = (name: string, nullable = false, scale = 4): ColumnSpec => ({name, kind: 'dec', type: `DECIMAL(18,${scale})`, nullable})
const id: ColumnSpec = {name: 'id', kind: 'int', type: 'BIGINT', sqliteType: 'INTEGER'}
const datetime = (name: string, nullable = false): ColumnSpec => ({name, kind: 'datetime', type: 'DATETIME', nullable})
const date = (name: string, nullable = false): ColumnSpec => ({name, kind: 'date', type: 'DATE', nullable})

export const TABLES: readonly TableSpec[] = [
  {
    system: 'erp',
    name: 'warehouses',
    columns: [str('warehouse_code', 16), str('name', 100), str('name_en', 100)],
    primaryKey: ['warehouse_code'],
    indexes: [],
  },
  {
    system: 'erp',
    name: 'customers',
    columns: [str('customer_code', 16), str('name', 200)],
    primaryKey: ['customer_code'],
    indexes: [],
  },
  {
    system: 'erp',
    name: 'items',
    columns: [
      str('item_code', 32),
      str('name', 200),
      str('name_en', 200),
      str('category', 16),
      str('uom', 8),
      {name: 'abc_class', kind: 'str', type: 'CHAR(1)'},
      dec('unit_cost'),
      dec('annual_usage_qty'),
      dec('pack_size', true),
      datetime('updated_at'),
      {name: 'status', kind: 'str', type: 'CHAR(1)'},
    ],
    primaryKey: ['item_code'],
    indexes: [],
  },
  {
    system: 'erp',
    name: 'item_uoms',
    columns: [str('item_code', 32), str('uom', 8), dec('factor', false, 6)],
    primaryKey: ['item_code', 'uom'],
    indexes: [],
  },
  {
    system: 'erp',
    name: 'stock_balance',
    columns: [id, str('item_code', 32), str('warehouse_code', 16), str('lot_no', 32, true), dec('qty'), str('uom', 8), datetime('updated_at')],
    primaryKey: ['id'],
    indexes: [{name: 'idx_stock_balance_key', columns: ['item_code', 'warehouse_code', 'lot_no']}],
  },
  {
    system: 'wms',
    name: 'sku_xref',
    columns: [str('wms_sku', 32), str('erp_item_code', 32)],
    primaryKey: ['wms_sku'],
    indexes: [{name: 'idx_sku_xref_erp', columns: ['erp_item_code']}],
  },
  {
    system: 'wms',
    name: 'locations',
    columns: [str('location_code', 32), str('wh_code', 8), str('zone', 16), str('aisle', 8), date('last_counted_at', true)],
    primaryKey: ['location_code'],
    indexes: [],
  },
  {
    system: 'wms',
    name: 'bin_stock',
    columns: [
      id,
      str('location_code', 32),
      str('wh_code', 8),
      str('sku', 32),
      str('lot', 32, true),
      dec('qty'),
      str('uom', 8),
      str('status', 16),
      datetime('updated_at'),
    ],
    primaryKey: ['id'],
    indexes: [
      {name: 'idx_bin_stock_key', columns: ['sku', 'wh_code', 'lot']},
      {name: 'idx_bin_stock_location', columns: ['location_code']},
    ],
  },
  {
    system: 'wms',
    name: 'movements',
    columns: [
      id,
      datetime('moved_at'),
      str('type', 16),
      str('sku', 32),
      str('wh_code', 8),
      str('location_code', 32),
      str('lot', 32, true),
      dec('qty'),
      str('uom', 8),
      {name: 'erp_posted', kind: 'int', type: 'TINYINT'},
      str('ref', 32),
    ],
    primaryKey: ['id'],
    indexes: [
      {name: 'idx_movements_moved_at', columns: ['moved_at']},
      {name: 'idx_movements_key', columns: ['sku', 'wh_code', 'lot']},
    ],
  },
  {
    system: 'mes',
    name: 'work_orders',
    columns: [
      str('wo_no', 20),
      str('item_code', 32),
      dec('qty_planned'),
      dec('qty_done'),
      str('status', 16),
      date('due_date'),
      str('sales_order_no', 20, true),
      datetime('updated_at'),
      {name: 'sales_order_line', kind: 'int', type: 'INT', nullable: true},
      str('bom_version', 8, true),
    ],
    primaryKey: ['wo_no'],
    indexes: [
      {name: 'idx_work_orders_item', columns: ['item_code']},
      {name: 'idx_work_orders_so', columns: ['sales_order_no', 'sales_order_line']},
    ],
  },
  {
    system: 'mes',
    name: 'material_issues',
    columns: [id, str('wo_no', 20), str('item_code', 32), dec('qty'), str('uom', 8), datetime('issued_at')],
    primaryKey: ['id'],
    indexes: [{name: 'idx_material_issues_wo', columns: ['wo_no']}],
  },
  // the reconcile jobs' tables (see reconcile-plant.ts)
  {
    system: 'erp',
    name: 'sales_orders',
    columns: [str('so_no', 20), str('customer_code', 16), date('order_date'), {name: 'status', kind: 'str', type: 'CHAR(1)'}, datetime('modified_at')],
    primaryKey: ['so_no'],
    indexes: [],
  },
  {
    system: 'erp',
    name: 'sales_order_lines',
    columns: [
      str('so_no', 20),
      {name: 'line_no', kind: 'int', type: 'INT'},
      str('item_code', 32),
      dec('qty'),
      str('uom', 8),
      date('due_date'),
      {name: 'status', kind: 'str', type: 'CHAR(1)'},
      str('bom_version', 8),
      datetime('modified_at'),
    ],
    primaryKey: ['so_no', 'line_no'],
    indexes: [],
  },
  {
    system: 'erp',
    name: 'outbound_lines',
    columns: [id, str('dn_no', 20), str('so_no', 20, true), str('item_code', 32), str('warehouse_code', 16), dec('qty'), str('uom', 8), datetime('shipped_at')],
    primaryKey: ['id'],
    indexes: [{name: 'idx_outbound_lines_shipped', columns: ['shipped_at']}],
  },
  {
    system: 'wms',
    name: 'sku_master',
    columns: [str('sku', 32), str('description', 200), str('uom', 8), str('status', 16), datetime('updated_at')],
    primaryKey: ['sku'],
    indexes: [],
  },
]

export type TableName = (typeof TABLES)[number]['name']

export function tablesOf(system: DemoSystem): TableSpec[] {
  return TABLES.filter((t) => t.system === system)
}

export function tableSpec(name: string): TableSpec {
  const t = TABLES.find((x) => x.name === name)
  if (!t) throw new Error(`demo: unknown table ${name}`)
  return t
}

export function createTableSql(t: TableSpec, dialect: Dialect): string {
  const cols = t.columns.map((c) => `${c.name} ${dialect === 'sqlite' && c.sqliteType ? c.sqliteType : c.type}${c.nullable ? ' NULL' : ' NOT NULL'}`)
  cols.push(`PRIMARY KEY (${t.primaryKey.join(', ')})`)
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : ''
  return `CREATE TABLE ${t.name} (\n  ${cols.join(',\n  ')}\n)${tail}`
}

export function createIndexSql(t: TableSpec): string[] {
  return t.indexes.map((ix) => `CREATE INDEX ${ix.name} ON ${t.name} (${ix.columns.join(', ')})`)
}

/* ---------------- literals ---------------- */

const DEC_RE = /^-?\d+(\.\d+)?$/
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

export type Cell = string | number | null

function quoteSqlite(s: string): string {
  return s.includes("'") ? `'${s.replace(/'/g, "''")}'` : `'${s}'`
}

// eslint-disable-next-line no-control-regex
const MYSQL_SPECIAL = /[\0\n\r\x1a\\']/
// eslint-disable-next-line no-control-regex
const MYSQL_SPECIAL_G = /[\0\n\r\x1a\\']/g
const MYSQL_ESCAPES: Record<string, string> = {'\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', '\\': '\\\\', "'": "\\'"}

function quoteMysql(s: string): string {
  // standard escapes for MySQL/MariaDB string literals (NO_BACKSLASH_ESCAPES off)
  return MYSQL_SPECIAL.test(s) ? `'${s.replace(MYSQL_SPECIAL_G, (ch) => MYSQL_ESCAPES[ch])}'` : `'${s}'`
}

/**
 * A row as a parenthesised VALUES tuple. Values are checked against the column kind, so nothing but a validated
 * number ever goes unquoted; text is escaped for the dialect.
 */
export function rowLiteral(t: TableSpec, row: readonly Cell[], dialect: Dialect): string {
  const q = dialect === 'mysql' ? quoteMysql : quoteSqlite
  let out = '('
  for (let i = 0; i < t.columns.length; i++) {
    const c = t.columns[i]
    const v = row[i]
    if (i) out += ','
    if (v === null || v === undefined) {
      if (!c.nullable) throw new Error(`demo: ${t.name}.${c.name} is NOT NULL`)
      out += 'NULL'
      continue
    }
    switch (c.kind) {
      case 'int':
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`demo: ${t.name}.${c.name} not an integer: ${v}`)
        out += String(v)
        break
      case 'dec':
        if (typeof v !== 'string' || !DEC_RE.test(v)) throw new Error(`demo: ${t.name}.${c.name} not a decimal string: ${v}`)
        out += v
        break
      case 'date':
        if (typeof v !== 'string' || !DATE_RE.test(v)) throw new Error(`demo: ${t.name}.${c.name} not a date: ${v}`)
        out += `'${v}'`
        break
      case 'datetime':
        if (typeof v !== 'string' || !DATETIME_RE.test(v)) throw new Error(`demo: ${t.name}.${c.name} not a datetime: ${v}`)
        out += `'${v}'`
        break
      default:
        out += q(String(v))
    }
  }
  return out + ')'
}

export function insertPrefix(t: TableSpec): string {
  return `INSERT INTO ${t.name} (${t.columns.map((c) => c.name).join(', ')}) VALUES `
}
