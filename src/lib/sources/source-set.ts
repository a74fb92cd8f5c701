import {UsageError} from '../cli/errors.js'
import {t} from '../i18n/index.js'
import type {PlantopsConfig} from '../config/schema.js'
import {Source} from './source.js'

/** The sources a job reads, opened on first use and closed together at the end. */
export class SourceSet {
  private readonly opened = new Map<string, Promise<Source>>()

  constructor(
    private readonly config: PlantopsConfig,
    private readonly baseDir: string,
  ) {}

  names(): string[] {
    return Object.keys(this.config.sources)
  }

  async get(name: string): Promise<Source> {
    let p = this.opened.get(name)
    if (!p) {
      const cfg = this.config.sources[name]
      if (!cfg) {
        throw new UsageError(t('errors.source.unknown', {name, configured: this.names().join(', ') || t('config.noSections')}))
      }
      p = Source.open(name, cfg, {baseDir: this.baseDir})
      this.opened.set(name, p)
      p.catch(() => this.opened.delete(name))
    }
    return p
  }

  /** Rows read per source so far (for run history). */
  async rowsRead(): Promise<Record<string, number>> {
    const out: Record<string, number> = {}
    for (const [name, p] of this.opened) {
      const src = await p.catch(() => undefined)
      if (src) out[name] = src.rowsRead
    }
    return out
  }

  async closeAll(): Promise<void> {
    const all = [...this.opened.values()]
    this.opened.clear()
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()))
  }
}
