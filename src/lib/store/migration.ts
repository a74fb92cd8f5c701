import type {Knex} from 'knex'

/** One step of plantops' own schema. Files in migrations/ named NNNN_<area>.ts default-export an array of these. */
export interface Migration {
  /** Unique, sortable: "0001_core_runs". Never rename one that has shipped. */
  name: string
  up(knex: Knex): Promise<void>
  down?(knex: Knex): Promise<void>
}
