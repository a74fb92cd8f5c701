import {registerSecret} from '../cli/secrets.js'
import type {SourceConfig} from '../config/sources-schema.js'
import type {ServerInfo} from '../sources/source.js'

export interface CatalogTable {
  name: string
  /** Row estimate (MySQL information_schema) or null. */
  rows: number | null
  columns: string[]
}

export interface ProbedSource {
  server: ServerInfo
  catalog(): Promise<CatalogTable[]>
  close(): Promise<void>
}

/** How the wizard tests a connection and reads its catalog. Injected in tests; the default opens a read-only Source. */
export interface SourceProbe {
  connect(name: string, config: SourceConfig, baseDir: string): Promise<ProbedSource>
}

export const sourceProbe: SourceProbe = {
  async connect(name, config, baseDir) {
    if (config.client === 'mysql' && config.connection.password) registerSecret(config.connection.password)
    const {Source} = await import('../sources/source.js')
    const src = await Source.open(name, config, {baseDir})
    try {
      const server = await src.serverInfo()
      return {
        server,
        async catalog() {
          if (src.dialect === 'mysql') {
            const tables = await src.query<{name: string; n: string | number | null}>(
              "SELECT TABLE_NAME AS name, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW') ORDER BY TABLE_NAME",
            )
            const cols = await src.query<{t: string; c: string}>(
              'SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION',
            )
            const byTable = new Map<string, string[]>()
            for (const r of cols) byTable.set(String(r.t), [...(byTable.get(String(r.t)) ?? []), String(r.c)])
            return tables.map((t) => ({name: String(t.name), rows: t.n === null ? null : Number(t.n), columns: byTable.get(String(t.name)) ?? []}))
          }
          const tables = await src.query<{name: string}>("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
          const out: CatalogTable[] = []
          for (const t of tables) {
            const cols = await src.query<{name: string}>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [t.name])
            out.push({name: String(t.name), rows: null, columns: cols.map((c) => String(c.name))})
          }
          return out
        },
        close: () => src.close(),
      }
    } catch (error) {
      await src.close()
      throw error
    }
  },
}
