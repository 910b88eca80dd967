import { isAbsolute, resolve } from 'node:path'
import { encodeParam, isExpr, isRef, type Arg, type Expr, type IoSpec, type Ref } from 'dflow-ts'
import { fileLocation, type ArtifactLocation } from '../storage/location.ts'
import type { FanIn } from './fan-in.ts'
import { partValue } from './slice-parts.ts'

/**
 * A parameter's value at run time: its wire string (decoded by the consumer's codec when needed).
 *
 * @example
 * ```ts
 * const v: ParamValue = { kind: 'param', wire: '3' }
 * ```
 */
export interface ParamValue {
  readonly kind: 'param'
  readonly wire: string
}

/**
 * An artifact at run time: where it lives (a store and a key; never a bare path), or null for an omitted
 * optional artifact. A fan-out's output artifact is not stacked until a step reads it: `at` is null and
 * `fanIn` says what to stack (see `fan-in.ts`); the engine stacks it before the reader runs, so executors
 * only ever see locations.
 *
 * @example
 * ```ts
 * const a: ArtifactValue = { kind: 'artifact', at: { store: 's3://artifacts', key: 'run/step/out.tgz' } }
 * ```
 */
export interface ArtifactValue {
  readonly kind: 'artifact'
  readonly at: ArtifactLocation | null
  readonly fanIn?: FanIn
  /** A slice's part of the fan-in (its path in the stacked artifact), taken once it is stacked (see `slice-parts.ts`). */
  readonly part?: string
}

/** Any run-time value. @example const v: Value = { kind: 'artifact', at: fileLocation('/data/in.txt') } */
export type Value = ParamValue | ArtifactValue

/** The outputs of a finished step, by name. @example const o: Outputs = { n: { kind: 'param', wire: '1' } } */
export type Outputs = Readonly<Record<string, Value>>

/** Where references are looked up while a body runs. */
export interface Scope {
  /** The inputs of the enclosing template (the workflow's top level has none). */
  readonly inputs: Readonly<Record<string, Value>>
  readonly params: Readonly<Record<string, Value>>
  /** Outputs of the steps of this body that have finished. */
  readonly steps: ReadonlyMap<string, Outputs>
  /** The items of the enclosing fan-outs, innermost first. */
  readonly item?: LoopItem
  /** The run's workflow outputs so far (one map for the whole run, see {@link exportGlobals}). */
  readonly globals?: WorkflowOutputs
}

/**
 * The workflow outputs of a run (Argo's `workflow.outputs.parameters|artifacts`), by name: one map the whole run
 * shares, written when a step whose template declares an output with `global: NAME` succeeds.
 *
 * @example
 * ```ts
 * const globals: WorkflowOutputs = new Map([['greeting', { kind: 'param', wire: 'hi' }]])
 * ```
 */
export type WorkflowOutputs = Map<string, Value>

/**
 * Exports the outputs of a step that succeeded to the workflow outputs: each output its template declares with
 * `global: NAME` sets `NAME`, a later one overwriting an earlier (Argo's addOutputsToGlobalScope in
 * workflow/controller/operator.go, called as each node completes: the last node to complete wins).
 *
 * @example
 * ```ts
 * exportGlobals(gen.outputs, { msg: { kind: 'param', wire: 'hi' } }, globals) // globals.get('greeting') → { kind: 'param', wire: 'hi' }
 * ```
 */
export const exportGlobals = (specs: IoSpec, outputs: Outputs, globals: WorkflowOutputs | undefined): void => {
  if (!globals) return
  for (const [name, spec] of Object.entries(specs)) {
    const v = outputs[name]
    if (spec.global !== undefined && v) globals.set(spec.global, v)
  }
}

/** The item of one enclosing fan-out (`loop`: its name), and those of the fan-outs around it. */
export interface LoopItem {
  readonly value: unknown
  readonly loop?: string
  readonly outer?: LoopItem
}

/** Thrown for a value that cannot be resolved; the step fails with this message. */
export class ResolveError extends Error {}

/**
 * Looks up a reference in a scope. Validation has already made sure it names something that exists
 * and runs before; a missing value here means its producer was skipped or omitted.
 *
 * @example
 * ```ts
 * lookup(h0.outputs.msg, scope) // { kind: 'param', wire: '1' }
 * ```
 */
export const lookup = (r: Ref, scope: Scope): Value => {
  if (r.source.kind === 'item') {
    const loop = r.source.loop
    let at = scope.item
    while (at && loop !== undefined && at.loop !== loop) at = at.outer
    if (!at) throw new ResolveError(loop === undefined ? '"item" is only defined inside forEach' : `the item of forEach "${loop}" is only defined inside it`)
    let v: unknown = at.value
    for (const k of r.source.path) v = (v as Record<string, unknown> | null)?.[k]
    if (v === undefined) throw new ResolveError(`the item has no field "${r.source.path.join('.')}"`)
    const wire = typeof v === 'string' ? v : JSON.stringify(v)
    // A slice's part of a list artifact: the item holds the part's path in it.
    return r._tag === 'ArtifactRef' && r.list ? partValue(lookup(r.list, scope), wire) : { kind: 'param', wire }
  }
  if (r.source.kind === 'global') {
    const v = scope.globals?.get(r.name)
    if (!v) throw new ResolveError(`no value for workflow output "${r.name}": no step that exports it has succeeded before this one`)
    return v
  }
  const from = r.source.kind === 'step' ? scope.steps.get(r.source.step) : r.source.kind === 'input' ? scope.inputs : scope.params
  const v = from?.[r.name]
  if (!v) {
    const where = r.source.kind === 'step' ? `step "${r.source.step}"` : r.source.kind === 'input' ? 'the inputs' : 'the workflow parameters'
    throw new ResolveError(`no value for "${r.name}" from ${where} (it did not run, failed, or did not produce it, and it declares no default)`)
  }
  return v
}

/**
 * The values a step's inputs take: its arguments resolved in the scope, defaults for omitted
 * parameters, null for omitted optional artifacts.
 *
 * @example
 * ```ts
 * resolveInputs(duplicate.inputs, { msg: h0.outputs.msg, foo: h0.outputs.bar }, scope, process.cwd())
 * ```
 */
export const resolveInputs = (
  inputs: IoSpec,
  args: Readonly<Record<string, Arg>>,
  scope: Scope,
  baseDir: string,
  /** The text of an expression argument (see `exprArgWire`), evaluated in `scope`. */
  exprWire?: (e: Expr) => string,
): Record<string, Value> =>
  Object.fromEntries(
    Object.entries(inputs).map(([name, spec]): [string, Value] => {
      const arg = args[name]
      if (spec._tag === 'Param') {
        if (arg === undefined) {
          if (!spec.default) throw new ResolveError(`missing argument "${name}"`)
          return [name, { kind: 'param', wire: encodeParam(spec.codec, spec.default.value) }]
        }
        if (isExpr(arg)) {
          if (!exprWire) throw new ResolveError(`argument "${name}" is an expression, which this interpreter does not evaluate`)
          return [name, { kind: 'param', wire: exprWire(arg) }]
        }
        if (!isRef(arg)) return [name, { kind: 'param', wire: encodeParam(spec.codec, arg) }]
        try {
          return [name, lookup(arg, scope)]
        } catch (e) {
          // Argo: a reference to a skipped producer's missing output falls back to the consumer's default.
          if (e instanceof ResolveError && spec.default) return [name, { kind: 'param', wire: encodeParam(spec.codec, spec.default.value) }]
          throw e
        }
      }
      if (arg === undefined) return [name, { kind: 'artifact', at: null }]
      if (isRef(arg)) return [name, lookup(arg, scope)]
      const local = arg as { readonly _tag: 'LocalArtifact'; readonly path: string }
      return [name, { kind: 'artifact', at: fileLocation(isAbsolute(local.path) ? local.path : resolve(baseDir, local.path)) }]
    }),
  )
