/**
 * Memory trace of a `plantops stock diff` run, preloaded in every thread (node -r bench/stock-memtrace.cjs; worker
 * threads inherit the preload): every PLANTOPS_MEMTRACE_MS (default 25 ms) each thread appends one JSON line to the file
 * PLANTOPS_MEMTRACE: its name (main, reader-erp, reader-wms, merge), its V8 heap (total, used, physical, external),
 * and the process-wide RSS (anonymous and file-backed) and VmHWM from /proc/self/status. Read by bench/stock.ts --mem (per-phase, per-thread peaks).
 */
'use strict'
const fs = require('node:fs')
const v8 = require('node:v8')
const {isMainThread, threadId, workerData} = require('node:worker_threads')

const file = process.env.PLANTOPS_MEMTRACE
if (file) {
  const every = Number(process.env.PLANTOPS_MEMTRACE_MS || 25)
  let name = 'main'
  if (!isMainThread) {
    const d = workerData && typeof workerData === 'object' ? workerData : {}
    if (d.plantopsStockSide) name = `reader-${d.plantopsStockSide.side}`
    else if (d.plantopsMerge) name = d.plantopsMerge.thread ? `merge-${d.plantopsMerge.thread}` : 'merge'
    else name = `worker-${threadId}`
  }
  const fd = fs.openSync(file, 'a')
  const t0 = Number(process.env.PLANTOPS_MEMTRACE_T0 || 0) || Date.now()
  if (isMainThread) process.env.PLANTOPS_MEMTRACE_T0 = String(t0)
  const kb = (re, s) => {
    const m = re.exec(s)
    return m ? Number(m[1]) : 0
  }
  // time spent in GC by this thread (ms), by kind: scavenges (minor) and mark-compacts (major)
  const gc = {minor: 0, major: 0, nMinor: 0, nMajor: 0}
  try {
    const {PerformanceObserver, constants} = require('node:perf_hooks')
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const major = e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR
        if (major) (gc.major += e.duration), gc.nMajor++
        else (gc.minor += e.duration), gc.nMinor++
      }
    }).observe({entryTypes: ['gc']})
  } catch {}
  const sample = (ev) => {
    const h = v8.getHeapStatistics()
    let rss = 0
    let hwm = 0
    let anon = 0
    let files = 0
    try {
      const s = fs.readFileSync('/proc/self/status', 'utf8')
      rss = kb(/VmRSS:\s+(\d+)/, s)
      hwm = kb(/VmHWM:\s+(\d+)/, s)
      anon = kb(/RssAnon:\s+(\d+)/, s)
      files = kb(/RssFile:\s+(\d+)/, s)
    } catch {}
    const sp = {}
    for (const x of v8.getHeapSpaceStatistics()) sp[x.space_name.replace('_space', '')] = x.space_size >> 10
    const line = {t: Date.now() - t0, th: name, ev, heapTotal: h.total_heap_size >> 10, heapUsed: h.used_heap_size >> 10, heapPhys: h.total_physical_size >> 10, limit: Math.round(h.heap_size_limit / 1048576), ext: h.external_memory >> 10, malloced: h.malloced_memory >> 10, rss, hwm, anon, files, sp, gc: ev === 'tick' ? undefined : {...gc, minor: Math.round(gc.minor), major: Math.round(gc.major)}}
    try {
      fs.writeSync(fd, `${JSON.stringify(line)}\n`)
    } catch {}
  }
  sample('start')
  const timer = setInterval(() => sample('tick'), every)
  timer.unref()
  process.on('exit', () => sample('exit'))
  if (!isMainThread) {
    // a worker's last sample before it goes (terminate() does not run 'exit' handlers in the worker)
    const {parentPort} = require('node:worker_threads')
    const post = parentPort.postMessage.bind(parentPort)
    parentPort.postMessage = (m) => {
      if (m && (m.type === 'done' || m.type === 'error')) sample(m.type)
      return post(m)
    }
  }
}
