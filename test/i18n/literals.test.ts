import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import ts from 'typescript'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli.js'

/**
 * No user-facing English literal outside the catalogs (issue 12): a sentence written in the code and handed to an
 * operator-facing error (PlantopsError and its subclasses), to a `hints` list, to a warning (`warn(…)`,
 * `warnOperator(…)`, `warnings.push(…)`) or to a config problem (`problems.push(…)`) must come from `t(key, vars)`.
 *
 * "English" here: a string literal or template text (interpolations removed) with two or more English words.
 * Plain `Error`s are not checked: they are defects (exit 70, "This is a defect in plantops"), meant for whoever fixes
 * the code, and never the operator's to act on.
 */

/**
 * Files being translated by other helpers on their own branches (issue 12 split by area). They are skipped here so
 * this test passes on each branch; the lead removes an entry when merging the branch that translates it.
 */
const OWNED_ELSEWHERE: RegExp[] = []

/** Error classes the operator acts on: PlantopsError and every class that extends one of them (found in src). */
function operatorErrorClasses(files: Map<string, ts.SourceFile>): Set<string> {
  const classes = new Set(['PlantopsError'])
  let grew = true
  while (grew) {
    grew = false
    for (const sf of files.values()) {
      const visit = (node: ts.Node) => {
        if (ts.isClassDeclaration(node) && node.name && !classes.has(node.name.text)) {
          const base = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression
          if (base && ts.isIdentifier(base) && classes.has(base.text)) {
            classes.add(node.name.text)
            grew = true
          }
        }
        ts.forEachChild(node, visit)
      }
      visit(sf)
    }
  }
  return classes
}

/** The text a person would read in an expression, interpolations removed ('' for a t(…) call or a variable). */
function literalTexts(node: ts.Node): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text]
  if (ts.isTemplateExpression(node)) {
    const text = node.head.text + node.templateSpans.map((s) => ` … ${s.literal.text}`).join('')
    return [text, ...node.templateSpans.flatMap((s) => literalTexts(s.expression))]
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...literalTexts(node.left), ...literalTexts(node.right)]
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)]
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return [...literalTexts(node.left), ...literalTexts(node.right)]
  }
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literalTexts(node.expression)
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap(literalTexts)
  return []
}

/** Two or more English words (identifiers such as CONFIG_INVALID, paths and SQL fragments alone are not sentences). */
export function isEnglishSentence(text: string): boolean {
  const words = text.match(/(?<![\w.$/-])[A-Za-z][a-z]+(?:'[a-z]+)?(?![\w.$/(-])/g) ?? []
  return words.length >= 2
}

const WARN_CALLS = new Set(['warn', 'warnOperator'])
/** An error code such as SOURCE_UNREACHABLE or CONFIG_INVALID (two or more upper-case words). */
const ERROR_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/
const PUSH_TARGETS = /(^|\.)(warnings|problems|hints)$/

function scan(file: string, sf: ts.SourceFile, errors: Set<string>): string[] {
  const found: string[] = []
  const lines = sf.text.split('\n')
  const report = (node: ts.Node, what: string) => {
    for (const text of literalTexts(node)) {
      if (!isEnglishSentence(text)) continue
      const {line} = sf.getLineAndCharacterOfPosition(node.getStart(sf))
      // a literal that is not prose (a command line, a YAML example, a source name) says so: `// i18n-ok: why`
      if (/i18n-ok:/.test(lines[line] ?? '') || /i18n-ok:/.test(lines[line - 1] ?? '')) continue
      found.push(`${file}:${line + 1} ${what}: ${JSON.stringify(text.slice(0, 80))}`)
    }
  }
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && errors.has(node.expression.text)) {
      for (const arg of node.arguments ?? []) report(arg, `new ${node.expression.text}`)
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : ''
      if (WARN_CALLS.has(name)) for (const arg of node.arguments) report(arg, name)
      if (name === 'push' && ts.isPropertyAccessExpression(callee) && PUSH_TARGETS.test(callee.expression.getText(sf))) {
        for (const arg of node.arguments) report(arg, callee.expression.getText(sf))
      }
      // a helper that makes an error: a call that also passes an error code (`make(what, 'SOURCE_TIMEOUT', [hints])`)
      if (node.arguments.some((arg) => ts.isStringLiteral(arg) && ERROR_CODE.test(arg.text))) {
        for (const arg of node.arguments) report(arg, `${name || 'call'}(…, error code)`)
      }
      // super(message, …) in an operator error class
      if (callee.kind === ts.SyntaxKind.SuperKeyword) {
        const cls = ts.findAncestor(node, ts.isClassDeclaration)
        if (cls?.name && errors.has(cls.name.text)) for (const arg of node.arguments) report(arg, `super in ${cls.name.text}`)
      }
    }
    if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && node.name.text === 'hints') {
      report(node.initializer, 'hints')
    }
    // an issue or error as an object: {code: …, message: …} (zod's ctx.addIssue, an error document)
    if (ts.isObjectLiteralExpression(node)) {
      const prop = (n: string) => node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === n)
      const message = prop('message')
      if (prop('code') && message) report(message.initializer, '{code, message}')
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p))
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p)
  }
  return out
}

function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)
}

describe('user-facing literals', () => {
  it('are not written in English in errors, hints and warnings (they come from the catalogs)', () => {
    const root = repoRoot
    const files = new Map<string, ts.SourceFile>()
    for (const abs of sourceFiles(path.join(root, 'src'))) {
      const rel = path.relative(root, abs).split(path.sep).join('/')
      files.set(rel, parse(rel, readFileSync(abs, 'utf8')))
    }
    const errors = operatorErrorClasses(files)
    expect(errors.has('ConfigError') && errors.has('SourceError') && errors.has('UsageError')).toBe(true)
    const found: string[] = []
    for (const [rel, sf] of files) {
      if (OWNED_ELSEWHERE.some((re) => re.test(rel))) continue
      found.push(...scan(rel, sf, errors))
    }
    expect(found, 'English literals: put them in src/lib/i18n/catalogs and use t(key, vars)').toEqual([])
  })

  it('catches the forms it is meant to catch (so the test above can fail)', () => {
    const sample = parse(
      'sample.ts',
      [
        'class PlantopsError extends Error {}',
        'class UsageError extends PlantopsError {}',
        'class MyError extends UsageError { constructor() { super("something went wrong here") } }',
        'throw new UsageError(`the file ${f} is missing`, {hints: ["Check the path."]})',
        'warnings.push("a column is unused")',
        'this.warnOperator(`the source is ${n} minutes behind`)',
        'problems.push(`${where} expected a number`)',
        'throw new UsageError(t("errors.cli.x", {f}), {hints: [t("errors.cli.y")], code: "USAGE_FILE"})',
        'throw new Error("internal: unreachable branch")',
        'return make(`connection refused${at}`, "SOURCE_UNREACHABLE", ["Is the server running?"])',
        'ctx.addIssue({code: "custom", path: ["table"], message: "give either table or query"})',
        'throw new UsageError("plantops count record 3 count-3.xlsx") // i18n-ok: a command line',
      ].join('\n'),
    )
    const files = new Map([['sample.ts', sample]])
    const found = scan('sample.ts', sample, operatorErrorClasses(files))
    expect(found.map((f) => f.split(' ')[0])).toEqual(['sample.ts:3', 'sample.ts:4', 'sample.ts:4', 'sample.ts:5', 'sample.ts:6', 'sample.ts:7', 'sample.ts:10', 'sample.ts:10', 'sample.ts:11'])
    expect(isEnglishSentence('CONFIG_INVALID')).toBe(false)
    expect(isEnglishSentence('sources.erp.port')).toBe(false)
  })
})
