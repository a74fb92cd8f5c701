/** Regenerates fixtures/orders/* (the sample order files the README uses): npx tsx test/orders/make-fixtures.mts */
import {mkdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {buildBadRowsXlsx, buildCleanXlsx, buildGbkCsv, buildQuirksXlsx, revisedLines} from './fixture-builder.js'

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/orders')
mkdirSync(dir, {recursive: true})
await buildCleanXlsx(path.join(dir, 'orders-clean.xlsx'))
await buildCleanXlsx(path.join(dir, 'orders-revised.xlsx'), revisedLines())
await buildQuirksXlsx(path.join(dir, 'orders-quirks.xlsx'))
await buildBadRowsXlsx(path.join(dir, 'orders-bad-rows.xlsx'))
buildGbkCsv(path.join(dir, 'orders-gbk.csv'))
console.log(`wrote fixtures to ${dir}`)
