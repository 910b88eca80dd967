import { groupItems, zipLists, isRef, type Exposable, type KeyTemplate, type Ref, ALL_OUTPUTS, isIntegerVar, typeOfVar, listOf, decodeParam, encodeParam, EXIT_CODE, STATUS, type ExprVar, type ForEachSource, type IoSpec, type Template } from 'dflow-ts'
import { evaluate, EvalError } from './expr-eval.ts'
import { goAtoi, goParseFloat, goUnmarshal } from './go-values.ts'
import type { Phase } from '../run/records.ts'
import { exprWire } from './expr-arg.ts'
import { sequenceItems } from './sequence.ts'
import { lookup, ResolveError, type Outputs, type Scope, type Value } from './values.ts'

/** Where a fan-out's outputs keep the phases of its calls (for `AnySucceeded`/`AllFailed`). @example CALLS // '$calls' */
export const CALLS = '$calls'

/**
 * A step's outputs as its siblings see them: its own, plus its phase and exit code under the reserved
 * names that `status(step)` and `exitCode(step)` read.
 *
 * @example
 * ```ts
 * withStatus({}, 'Failed', 123) // { $status: { kind: 'param', wire: 'Failed' }, $exitCode: { kind: 'param', wire: '123' } }
 * ```
 */
export const withStatus = (outputs: Outputs, phase: Phase, exitCode?: number): Outputs => ({
  ...outputs,
  [STATUS]: { kind: 'param', wire: phase },
  ...(exitCode !== undefined ? { [EXIT_CODE]: { kind: 'param', wire: String(exitCode) } } : {}),
})

/** The wire form of an item value: strings stay as they are, anything else is JSON. @example wireOfItem(3) // '3' */
export const wireOfItem = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/**
 * The items a fan-out iterates over. A reference must hold a JSON list at run time; anything else fails the
 * step with a message saying what it held.
 *
 * @example
 * ```ts
 * itemsOf({ _tag: 'Items', items: ['a', 'b'] }, scope) // ['a', 'b']
 * ```
 */
export const itemsOf = (source: ForEachSource, scope: Scope): readonly unknown[] => {
  switch (source._tag) {
    case 'Items':
      return source.items
    case 'ItemsFrom':
      return listAt(source.ref, scope, `forEach over "${source.ref.name}"`)
    case 'Zip': {
      const lists = Object.entries(source.lists).map(([k, v]): readonly [string, readonly unknown[]] => [k, isRef(v) ? listAt(v, scope, `slice of "${k}" (${v.name})`) : (v as readonly unknown[])])
      const lengths = new Set(lists.map(([, l]) => l.length))
      if (lengths.size > 1) throw new ResolveError(`slice: the sliced lists have different lengths (${lists.map(([k, l]) => `${k}: ${l.length}`).join(', ')})`)
      const zipped = zipLists(Object.fromEntries(lists))
      // A grouped slice has one call per group of slices (see slice-group.ts).
      return source.group ? groupItems(zipped, source.group.size) : zipped
    }
    case 'Computed': {
      const wires = source.reads.map((r) => {
        const v = lookup(r, scope)
        if (v.kind !== 'param') throw new ResolveError(`forEach over ${source.text}: "${r.name}" is not a parameter`)
        return v.wire
      })
      let items: unknown
      try {
        items = source.items(wires)
      } catch (e) {
        throw new ResolveError(`forEach over ${source.text}: ${(e as Error).message}`)
      }
      if (!Array.isArray(items)) throw new ResolveError(`forEach over ${source.text}: expected a list, got ${JSON.stringify(items)?.slice(0, 60)}`)
      return items
    }
    case 'Sequence':
      return sequenceItems(source.sequence, (v) => {
        if (typeof v === 'number') return v
        const d = decodeParam(v.codec, (lookup(v, scope) as { wire: string }).wire)
        if (!d.ok || typeof d.value !== 'number') throw new ResolveError(`forEach sequence: "${v.name}" is not a number`)
        return d.value
      })
  }
}

/** The JSON list a reference holds; anything else fails the step, saying what it held (`what`: whose list). */
const listAt = (ref: Ref, scope: Scope, what: string): readonly unknown[] => {
  const v = lookup(ref, scope)
  const wire = v.kind === 'param' ? v.wire : ''
  let parsed: unknown
  try {
    parsed = JSON.parse(wire)
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed)) throw new ResolveError(`${what}: expected a JSON list, got ${JSON.stringify(wire.length > 60 ? `${wire.slice(0, 57)}...` : wire)}`)
  return parsed
}

/** The outputs of a step that was skipped or failed: declared defaults of its parameters (Argo), nothing else. @example skippedOutputs(t) // { msg: { kind: 'param', wire: 'Foobar' } } */
export const skippedOutputs = (t: Template): Outputs =>
  Object.fromEntries(
    Object.entries(t.outputs as IoSpec).flatMap(([k, s]) => (s._tag === 'Param' && s.default ? [[k, { kind: 'param', wire: encodeParam(s.codec, s.default.value) } as Value]] : [])),
  )

const parseOr = (wire: string): unknown => {
  try {
    return JSON.parse(wire)
  } catch {
    return wire
  }
}

/**
 * Argo's fan-in: for each output parameter, a JSON list of the values of the calls that succeeded, in item
 * order. Values are strings, unless every one is a JSON object or list; a `stdout` result is read as JSON;
 * `*` ({@link ALL_OUTPUTS}) holds a list of `{name: value}` records.
 *
 * @example
 * ```ts
 * aggregate(t, [{ num: { kind: 'param', wire: '1' } }, { num: { kind: 'param', wire: '2' } }]) // { num: { kind: 'param', wire: '["1","2"]' } }
 * ```
 */
export const aggregate = (t: Template, children: readonly Outputs[]): Outputs => ({
  [ALL_OUTPUTS]: { kind: 'param', wire: JSON.stringify(children.map((o) => Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (v.kind === 'param' ? [[k, v.wire]] : []))))) },
  ...Object.fromEntries(
    Object.entries(t.outputs as IoSpec).map(([k, s]): [string, Value] => {
      if (s._tag === 'Artifact') return [k, { kind: 'artifact', at: null }]
      const wires = children.map((o) => (o[k]?.kind === 'param' ? (o[k] as { wire: string }).wire : ''))
      const parsed = wires.map(parseOr)
      const structured = parsed.every((p) => typeof p === 'object' && p !== null)
      return [k, { kind: 'param', wire: JSON.stringify(s.stdout || structured ? parsed : wires) }]
    }),
  ),
})

/** A number or boolean read from its wire as Argo's printer coerces it: `asInt`/`asFloat`, `== 'true'`. */
const coercedWire = (v: ExprVar, wire: string): unknown => {
  try {
    return isIntegerVar(v) ? goAtoi(wire) : goParseFloat(wire)
  } catch (e) {
    throw new EvalError(`"${v.name}": ${(e as Error).message}`)
  }
}

/**
 * A step's output, or null where the step did not produce it: it was skipped or omitted (Argo v4's
 * addSkippedNodeOutputsToScope in workflow/controller/scope.go stores such an output without a default as
 * nil), or it failed and was continued on. Anything else missing is still an error.
 */
const presentOrNil = (v: ExprVar, scope: Scope): Value | null => {
  if (v.source.kind !== 'step' || !scope.steps.has(v.source.step)) return lookup(v, scope)
  return scope.steps.get(v.source.step)![v.name] ?? null
}

/**
 * Reads an expression variable in a scope (a step's phase and exit code are references too): numbers and
 * booleans as Argo's printer reads them (Go's `strconv` for numbers, so `" 10"` is an error on both;
 * `"true"` alone is true), strings as they are, lists and untyped values as JSON (Argo's
 * `jsonpath(x, '$')`: a wire that is not JSON is an error, and the codec does not convert what it holds).
 * With `absentAsNil`, an output its step did not produce is nil (null), as in Argo's expressions (`??`).
 *
 * @example
 * ```ts
 * readVar(scope)(status(flakey)) // 'Failed'
 * ```
 */
export const readVar = (scope: Scope, absentAsNil = false) => (v: ExprVar): unknown => {
  const val = absentAsNil ? presentOrNil(v, scope) : lookup(v, scope)
  if (val === null) return null
  if (val.kind !== 'param') throw new EvalError(`"${v.name}" is not a parameter`)
  const t = typeOfVar(v)
  if (t === 'number') return coercedWire(v, val.wire)
  if (t === 'boolean') return val.wire === 'true'
  if (t === 'list' || t === 'any') {
    try {
      return goUnmarshal(val.wire)
    } catch (e) {
      throw new EvalError(`"${v.name}": ${(e as Error).message}`)
    }
  }
  const d = decodeParam(v.codec, val.wire)
  if (!d.ok) throw new EvalError(`"${v.name}": ${d.message}`)
  return d.value
}

/**
 * A step's key in a scope: a string as given, or a `` key`…` `` with each reference's wire value.
 *
 * @example
 * ```ts
 * keyOf(key`iter-${iter}`, scope) // 'iter-3'
 * ```
 */
export const keyOf = (k: string | KeyTemplate | undefined, scope: Scope): string | undefined =>
  typeof k === 'object' ? k.parts.map((p) => (typeof p === 'string' ? p : (lookup(p, scope) as { wire: string }).wire)).join('') : k

/**
 * The value of an exposed output when its template ends: a reference looked up, a choice whose condition
 * is evaluated now, or an expression evaluated now ({@link exprWire}: an output a step did not produce is
 * nil in it). Argo does the same when a steps or DAG template completes: its executeSteps/executeDAG
 * (workflow/controller/steps.go, dag.go) put each child's outputs in the scope — a skipped or omitted
 * child's undefaulted outputs as nil (addSkippedNodeOutputsToScope, scope.go) — and
 * getTemplateOutputsFromScope (operator.go) evaluates each `valueFrom.expression` there with expr-lang
 * (wfScope.resolveParameter, scope.go), a nil value being an error.
 *
 * @example
 * ```ts
 * lookupExposed(ifExpr(expr`${r.outputs.isHead}`, r.outputs.msg1, r.outputs.msg2), scope) // { kind: 'param', wire: 'tail' }
 * ```
 */
export const lookupExposed = (x: Exposable, scope: Scope, name = 'output'): Value => {
  if (x._tag === 'OutputExpr') return { kind: 'param', wire: exprWire(x.expr, scope, `output "${name}"`) }
  if (x._tag !== 'OutputChoice') return lookup(x, scope)
  let chosen: unknown
  try {
    chosen = evaluate(x.cond, readVar(scope))
  } catch (e) {
    if (e instanceof EvalError) throw new ResolveError(`output condition: ${e.message}`)
    throw e
  }
  return lookup(chosen === true ? x.then : x.else, scope)
}

/**
 * The specs of a fan-out's aggregated outputs: each parameter a list of its declared codec.
 *
 * @example
 * ```ts
 * listSpecs({ num: param(t.number) }).num // param(listOf(t.number))
 * ```
 */
export const listSpecs = (io: IoSpec): IoSpec =>
  Object.fromEntries(Object.entries(io).map(([k, s]) => [k, s._tag === 'Param' ? { ...s, codec: listOf(s.codec) } : s]))
