import { DflowError, problem, SLICE_INDEX, zipLists, isRef, type SliceList, type Expr, type ExprVar, type ForEachSource, type IoSpec, type Node, type OutputChoice, type Ref, type Sequence, type Step } from 'dflow-ts'
import type { ArgoCall } from './manifest.ts'
import { accessPath, printCondition, printExpr, quote } from './expr-print.ts'
import { groupedZipFields } from './slice.ts'

/** How the compiler of a body reads references and names steps, for the control fields of a call. @example const c: ControlContext = { resolve, prefix: 'steps', path: ['main', 'a'] } */
export interface ControlContext {
  /** The Argo tag of a reference (`{{steps.a.outputs.parameters.p}}`). */
  readonly resolve: (r: Ref, path: readonly string[]) => string
  /** `steps` or `tasks`. */
  readonly prefix: 'steps' | 'tasks'
  readonly path: readonly string[]
}

const untag = (s: string): string => s.replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '')

/** Whether a template output is a `stdout()` result (Argo's `outputs.result`). @example isStdout(flip, 'result') // true */
export const isStdout = (s: Step | undefined, name: string): boolean => {
  const spec = s ? (s.template.outputs as IoSpec)[name] : undefined
  return spec?._tag === 'Param' && spec.stdout === true
}

const sequenceField = (v: number | Ref | undefined, c: ControlContext, path: readonly string[]): string | undefined =>
  v === undefined ? undefined : typeof v === 'number' ? String(v) : c.resolve(v, path)

const withSequence = (s: Sequence, c: ControlContext) => {
  const path = [...c.path, 'forEach']
  const out: Record<string, string> = {}
  const count = sequenceField(s.count, c, path)
  const start = sequenceField(s.start, c, path)
  const end = sequenceField(s.end, c, path)
  if (count !== undefined) out['count'] = count
  if (start !== undefined) out['start'] = start
  if (end !== undefined) out['end'] = end
  if (s.format !== undefined) out['format'] = s.format
  return out
}

/**
 * A condition as Argo's `when`: an expr-lang expression tag whose variables are read where the call is.
 *
 * @example
 * ```ts
 * whenTag(expr`${flip.outputs.result} == "heads"`, ctx) // "{{= steps['flip-coin'].outputs.result == 'heads' }}"
 * ```
 */
export const whenTag = (cond: Expr, c: ControlContext): string => exprTag(cond, c, 'when', printCondition)

/**
 * A lifecycle hook's condition as Argo's `hooks.NAME.expression`: expr-lang, not a tag (Argo evaluates it
 * itself, workflow/controller/hooks.go), its variables read where the call is.
 *
 * @example
 * ```ts
 * hookExpression(expr`${status(a)} == "Running"`, ctx) // "steps['a'].status == 'Running'"
 * ```
 */
export const hookExpression = (cond: Expr, c: ControlContext): string => printCondition(cond, (v: ExprVar) => untag(c.resolve(v, [...c.path, 'hooks'])), [...c.path, 'hooks'])

/**
 * Any expression as an expr-lang expression tag, its variables read where the call is; `field` names the
 * call's field in error paths.
 *
 * @example
 * ```ts
 * exprTag(ex.call('length', gen.outputs.list), ctx, 'forEach') // "{{= len(jsonpath(steps.gen.outputs.parameters.list, '$')) }}"
 * ```
 */
export const exprTag = (e: Expr, c: ControlContext, field: string, print = printExpr): string =>
  `{{= ${print(e, (v: ExprVar) => untag(c.resolve(v, [...c.path, field])), [...c.path, field])} }}`

/**
 * The control fields of a step's call: `when` as an expr-lang expression tag, and the fan-out as
 * `withItems`, `withParam` or `withSequence`.
 *
 * @example
 * ```ts
 * controlFields(when(expr`${flip.outputs.result} == "heads"`, step('heads', say)), ctx)
 * // { when: "{{= steps['flip-coin'].outputs.result == 'heads' }}" }
 * ```
 */
export const controlFields = (s: Step, c: ControlContext): Partial<ArgoCall> => {
  return { ...(s.when ? { when: whenTag(s.when, c) } : {}), ...fanOutFields(s.forEach, c) }
}

/**
 * A fan-out as the fields of a call: `withItems`, `withParam` or `withSequence`.
 *
 * @example
 * ```ts
 * fanOutFields({ _tag: 'ItemsFrom', ref: gen.outputs.result }, ctx) // { withParam: '{{steps.gen.outputs.result}}' }
 * ```
 */
export const fanOutFields = (f: ForEachSource | undefined, c: ControlContext): Partial<ArgoCall> => {
  if (f?._tag === 'Computed') throw new DflowError([problem([...c.path, 'forEach'], `the list computed by ${f.text} (an imported withParam) does not compile to Argo`, 'run the Argo document it was imported from')])
  return fanOutFieldsOf(f, c)
}

const fanOutFieldsOf = (f: ForEachSource | undefined, c: ControlContext): Partial<ArgoCall> => nonEmpty({
  ...(f?._tag === 'Items' ? { withItems: [...f.items] } : {}),
  ...(f?._tag === 'Zip' ? (f.group ? groupedZipFields(f.lists, f.group.size, c) : zipFields(f.lists, c)) : {}),
  ...(f?._tag === 'ItemsFrom' ? { withParam: c.resolve(f.ref, [...c.path, 'forEach']) } : {}),
  ...(f?._tag === 'Sequence' ? { withSequence: withSequence(f.sequence, c) } : {}),
})

/** An empty `withItems` is no loop to Argo (the step would run once, its item unresolved): a loop over nothing is an empty `withParam`. */
const nonEmpty = (fields: Partial<ArgoCall>): Partial<ArgoCall> => {
  if (!fields.withItems || fields.withItems.length) return fields
  const { withItems: _none, ...rest } = fields
  return { ...rest, withParam: '[]' }
}

/** A sliced list in expr-lang: a reference's JSON read by `jsonpath(…, '$')`, a literal list as the same of its JSON text. @example listExpr(['a'], 'f', ctx) // "jsonpath('[\"a\"]', '$')" */
export const listExpr = (v: SliceList, name: string, c: ControlContext): string =>
  `jsonpath(${isRef(v) ? accessPath(untag(c.resolve(v, [...c.path, 'slice', name]))) : quote(JSON.stringify(v))}, '$')`

/**
 * A slice's lists zipped into its items `{ _index: i, NAME: element i, … }`: literal lists at compile time
 * (`withItems`), lists that references give by an expression Argo evaluates (`withParam`): every list is
 * parsed once (`let`), the items are the indices of the first mapped to objects, and a list shorter than
 * the first fails the expression (an index out of range) — the step errors, as it does locally.
 *
 * @example
 * ```ts
 * zipFields({ f: ['a', 'b'] }, ctx)            // { withItems: [{ _index: 0, f: 'a' }, { _index: 1, f: 'b' }] }
 * zipFields({ f: gen.outputs.files }, ctx)     // { withParam: "{{= let l0 = jsonpath(…, '$'); toJson(map(0..(len(l0) - 1), { {'_index': #, 'f': l0[#]} })) }}" }
 * ```
 */
export const zipFields = (lists: Readonly<Record<string, SliceList>>, c: ControlContext): Partial<ArgoCall> => {
  const entries = Object.entries(lists)
  if (entries.every(([, v]) => !isRef(v))) {
    return { withItems: zipLists(lists as Readonly<Record<string, readonly unknown[]>>) }
  }
  const lets = entries.map(([k, v], i) => `let l${i} = ${listExpr(v, k, c)};`).join(' ')
  const fields = [`${quote(SLICE_INDEX)}: #`, ...entries.map(([k], i) => `${quote(k)}: l${i}[#]`)].join(', ')
  // the predicate's braces hold a map literal's braces (expr-lang reads `{ k: v }` after `map(x,` as the predicate)
  return { withParam: `{{= ${lets} toJson(map(0..(len(l0) - 1), { {${fields}} })) }}` }
}

/**
 * The expr-lang expression of an output chosen by a condition: `COND ? THEN : ELSE`, the branches read as
 * they are (Argo's `valueFrom.expression` / `fromExpression`).
 *
 * @example
 * ```ts
 * choiceExpression(ifExpr(expr`${flip.outputs.result} == "heads"`, heads.outputs.result, tails.outputs.result), resolve)
 * // "(steps['flip-coin'].outputs.result == 'heads') ? steps['heads'].outputs.result : steps['tails'].outputs.result"
 * ```
 */
export const choiceExpression = (c: OutputChoice, resolve: (r: Ref) => string): string => {
  const path = (r: Ref) => untag(resolve(r))
  const cond = printCondition(c.cond, path)
  return `(${cond}) ? ${accessPath(path(c.then))} : ${accessPath(path(c.else))}`
}

/**
 * The expr-lang expression of an output computed by an expression (`exprOutput`), for Argo's
 * `valueFrom.expression`: printed as any expression ({@link printExpr}), its variables read where the
 * template's steps are. Argo evaluates it when the template completes, a skipped step's output without a
 * default being nil there (see lookupExposed in lib/engine/control.ts).
 *
 * @example
 * ```ts
 * outputExpression(expr`${producer.outputs.msg} ?? "none"`, resolve, path) // "tasks?.['producer']?.outputs?.parameters?.['msg'] ?? 'none'"
 * ```
 */
export const outputExpression = (e: Expr, resolve: (r: Ref) => string, at: readonly string[]): string => printExpr(e, (v) => untag(resolve(v)), at)
