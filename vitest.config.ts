import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one temporary directory per run, removed at its end (test/setup/temp-root.ts)
    globalSetup: ['test/setup/temp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // MySQL-backed tests create their own databases; two workers keep CI (2 cores) busy without starving MariaDB
    pool: 'forks',
    maxWorkers: 2,
    disableConsoleIntercept: true,
    reporters: ['default'],
  },
})
