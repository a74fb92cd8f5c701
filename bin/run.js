#!/usr/bin/env node
// On import, @oclif/core compares the Node version with its own engines range, loading semver for it (47 modules,
// ~35 ms of CPU on every start, a tenth of `plantops --version`). plantops' own range (package.json engines) is the one
// that matters and npm checks it at install, so the check is off while oclif loads (unless the user set the variable),
// and the variable is gone again before any command runs or starts a child process.
const engineWarning = process.env.OCLIF_DISABLE_ENGINE_WARNING
if (engineWarning === undefined) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
// oclif from the CLI bundle (scripts/bundle.mjs): the same copy of @oclif/core as the bundled commands use
const {execute, settings} = await import('../dist/cli/oclif.js')
if (engineWarning === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING
// plantops runs its compiled commands, whatever NODE_ENV says: under NODE_ENV=development or test oclif would otherwise
// load TypeScript on every start to look for the commands' sources (and try to register tsx/ts-node), which doubled a
// command's start (`config validate`: 1.3-1.5 s against 0.6 s)
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
