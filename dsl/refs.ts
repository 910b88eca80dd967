import type { Codec } from './codec.ts'
import type { ArtifactSpec, IoSpec, ParamSpec } from './io.ts'

/**
 * Where a reference points: an output of a step in the same template body, an input of the enclosing
 * template, a workflow parameter, a workflow output (see `workflowOutput`), or a fan-out's item.
 *
 * @example
 * ```ts
 * const s: RefSource = { kind: 'step', step: 'hello0' }
 * ```
 */
export type RefSource =
  | { readonly kind: 'step'; readonly step: string }
  | { readonly kind: 'input' }
  | { readonly kind: 'workflow' }
  /** A workflow output (Argo's `workflow.outputs.…`): what the last step to succeed whose output declares `global: name` produced. */
  | { readonly kind: 'global' }
  /**
   * The item of a `forEach` (a field of it when `path` is not empty): of the enclosing loop named `loop`
   * (a fan-out step's name, or a composite forEach's), which `forEach` sets; without it, the innermost one.
   */
  | { readonly kind: 'item'; readonly path: readonly string[]; readonly loop?: string }

/**
 * A typed reference to a parameter value, carrying the codec that decodes it. `A` is the value's type, so
 * feeding a `ParamRef<number>` to a `param(t.string)` input is a TypeScript error.
 *
 * @example
 * ```ts
 * const h0 = step('hello0', hello)
 * h0.outputs.msg // ParamRef<number>: { _tag: 'ParamRef', source: { kind: 'step', step: 'hello0' }, name: 'msg', codec }
 * ```
 */
export interface ParamRef<A = unknown> {
  readonly _tag: 'ParamRef'
  readonly source: RefSource
  readonly name: string
  readonly codec: Codec<A>
  /** Set for a big parameter: its value travels as a file (an artifact on Argo). */
  readonly big?: boolean
}

/**
 * A reference to an artifact (a file or folder) produced by a step or received as an input.
 *
 * @example
 * ```ts
 * step('hello1', duplicate, { foo: h0.outputs.bar }) // h0.outputs.bar: ArtifactRef
 * ```
 */
export interface ArtifactRef {
  readonly _tag: 'ArtifactRef'
  readonly source: RefSource
  readonly name: string
  /**
   * Set on a slice's part of a list artifact (`slice({ foo: prep.outputs.foo }, (s) => … s.foo …)`): the
   * sliced artifact; the reference's own source is the slice's item field that holds the part's path in it.
   */
  readonly list?: ArtifactRef
}

/**
 * In a script, where the step must write one of its outputs (`${out.msg}` in `` sh`…` ``).
 *
 * @example
 * ```ts
 * shell({ name: 'w', outputs: { msg: param(t.number) }, script: (_, out) => sh`echo 1 > ${out.msg}` })
 * ```
 */
export interface OutputPath {
  readonly _tag: 'OutputPath'
  readonly kind: 'param' | 'artifact'
  readonly name: string
}

/** Any reference. @example const r: Ref = h0.outputs.msg */
export type Ref = ParamRef<any> | ArtifactRef

/**
 * The references that a spec record yields (`inputs` in a script function, `step.outputs`).
 *
 * @example
 * ```ts
 * type R = RefsOf<{ n: ParamSpec<number, false>; data: ArtifactSpec<false> }>
 * // { readonly n: ParamRef<number>; readonly data: ArtifactRef }
 * ```
 */
export type RefsOf<S extends IoSpec> = {
  readonly [K in keyof S]: S[K] extends ParamSpec<infer A, boolean> ? ParamRef<A> : ArtifactRef
}

/** The output paths a script function receives for a template's outputs. @example script: (_, { out }) => sh`echo hi > ${out}` */
export type OutputPathsOf<S extends IoSpec> = { readonly [K in keyof S]: OutputPath }

/**
 * Builds the references to every name of a spec record from one source.
 *
 * @example
 * ```ts
 * refsOf({ msg: param(t.number) }, { kind: 'input' }).msg // ParamRef<number> to input msg
 * ```
 */
export const refsOf = <S extends IoSpec>(spec: S, source: RefSource): RefsOf<S> =>
  Object.freeze(
    Object.fromEntries(
      Object.entries(spec).map(([name, s]) => [
        name,
        s._tag === 'Param'
          ? Object.freeze({ _tag: 'ParamRef', source, name, codec: s.codec, ...(s.big ? { big: true } : {}) })
          : Object.freeze({ _tag: 'ArtifactRef', source, name }),
      ]),
    ),
  ) as RefsOf<S>

/** The output paths for a spec record. @example outputPathsOf({ bar: artifact() }).bar // { _tag: 'OutputPath', kind: 'artifact', name: 'bar' } */
export const outputPathsOf = <S extends IoSpec>(spec: S): OutputPathsOf<S> =>
  Object.freeze(
    Object.fromEntries(
      Object.entries(spec).map(([name, s]) => [
        name,
        Object.freeze({ _tag: 'OutputPath', kind: s._tag === 'Param' ? 'param' : 'artifact', name }),
      ]),
    ),
  ) as OutputPathsOf<S>

/** Whether a value is a reference. @example isRef(h0.outputs.msg) // true */
export const isRef = (v: unknown): v is Ref =>
  typeof v === 'object' && v !== null && ((v as Ref)._tag === 'ParamRef' || (v as Ref)._tag === 'ArtifactRef')

/** The spec a reference was made from, re-declared: used to expose inner outputs from a sub-workflow. */
export const specOfRef = (r: Ref): ParamSpec<unknown> | ArtifactSpec =>
  r._tag === 'ParamRef'
    ? Object.freeze({ _tag: 'Param' as const, codec: r.codec as Codec<unknown>, ...(r.big ? { big: true } : {}) })
    : Object.freeze({ _tag: 'Artifact' as const, optional: false })

/**
 * A reference to the workflow output parameter `name` (Argo's `{{workflow.outputs.parameters.NAME}}`): the value
 * of the output declared `param(codec, { global: name })` of the last step to succeed before the reader starts,
 * in any template of the workflow. Read as a step's argument; the step errors when no step has exported it yet
 * (or takes its input's default).
 *
 * @example
 * ```ts
 * const gen = shell({ name: 'gen', outputs: { msg: param(t.string, { path: 'm.txt', global: 'greeting' }) }, script: (_, o) => sh`echo hi > ${o.msg}` })
 * const wf = workflow('globals', seq(step('gen', gen), step('say', say, { msg: workflowOutput('greeting', t.string) })))
 * // compiled: value: '{{workflow.outputs.parameters.greeting}}'
 * ```
 */
export const workflowOutput = <A>(name: string, codec: Codec<A>): ParamRef<A> => Object.freeze({ _tag: 'ParamRef', source: GLOBAL, name, codec })

/**
 * A reference to the workflow output artifact `name` (Argo's `{{workflow.outputs.artifacts.NAME}}`), exported by
 * an output declared `artifact({ path, global: name })`; see {@link workflowOutput}.
 *
 * @example
 * ```ts
 * step('show', cat, { file: workflowOutputArtifact('report') }) // compiled: from: '{{workflow.outputs.artifacts.report}}'
 * ```
 */
export const workflowOutputArtifact = (name: string): ArtifactRef => Object.freeze({ _tag: 'ArtifactRef', source: GLOBAL, name })

const GLOBAL: RefSource = Object.freeze({ kind: 'global' })
