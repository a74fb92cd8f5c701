/**
 * knex prints pool errors (with stack traces) to the console by default. plantops turns every such failure into
 * an operator-facing error itself, so knex's own logging stays silent unless DEBUG is set.
 */
const debug = (msg: unknown) => {
  if (process.env.DEBUG) process.stderr.write(`[knex] ${typeof msg === 'string' ? msg : JSON.stringify(msg)}\n`)
}

export const quietKnexLog = {warn: debug, error: debug, deprecate: debug, debug, inspectionDepth: 1, enableColors: false}
