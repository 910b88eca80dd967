import type { ArtifactOptions, ArtifactSpec, ParamOptions, ParamSpec } from '../io.ts'
import { artifact, param } from '../io.ts'
import type { Codec } from '../codec.ts'

/** A nested record of paths (dflow's `NestedDict[Path]`). @example const n: NestedPaths = { a: 'x.txt', b: { c: 'y.txt' } } */
export interface NestedPaths {
  readonly [key: string]: string | NestedPaths
}

const shaped = <S extends 'list' | 'record' | 'nested'>(shape: S) =>
  function <Opt extends boolean = false>(options: ArtifactOptions<Opt> = {}): ArtifactSpec<Opt> & { readonly shape: S } {
    const base = artifact(options as ArtifactOptions<false>) as ArtifactSpec<boolean>
    return Object.freeze({ ...base, shape }) as ArtifactSpec<Opt> & { readonly shape: S }
  }

/**
 * An artifact that a function OP sees as a list of paths (dflow's `Artifact(List[Path])`). It travels as one
 * folder holding the files at their relative paths plus `.dflow-paths.json`, the structure.
 *
 * **Fan-in.** An input declared `artifactList()` (of a function OP or of a shell step) may receive a fan-out's
 * output artifact, `fan.outputs.f` (a plain `artifact()` input may not: validation says so). What an
 * interpreter hands over: one entry per call that succeeded, in item order, named by the call's item index
 * (`0`, `1`, … — a call that failed or was skipped leaves a gap); each entry is that call's artifact (a file
 * or a folder) as the call left it. A shell step gets the folder holding the entries; a function OP gets the
 * list of the entries' paths in item order. On Argo each call writes its artifact under a key with its index
 * and the consumer reads their common prefix (see the README, "Fan-in on Argo"). Interpreters that do not
 * implement it refuse the workflow in validation (feature `'fan-in-artifacts'`, `dsl/features.ts`).
 *
 * @example
 * ```ts
 * fn({ name: 'cat', module: import.meta.url, inputs: { parts: artifactList() }, … }, ({ parts }) => …) // parts: readonly string[]
 * const fan = forEach(['a', 'b'], (n) => step('mk', mk, { n }))     // mk outputs f: artifact()
 * step('join', cat, { parts: fan.outputs.f })                        // parts: mk(0)'s f, mk(1)'s f
 * ```
 */
export const artifactList = shaped('list')

/** An artifact a function OP sees as a record of paths (dflow's `Dict[str, Path]`). @example outputs: { files: artifactRecord() } */
export const artifactRecord = shaped('record')

/** An artifact a function OP sees as a nested record of paths (dflow's `NestedDict[Path]`). @example outputs: { tree: artifactNested() } */
export const artifactNested = shaped('nested')

/**
 * A big parameter (dflow's `BigParameter`): typed like `param`, but its value travels as a file — an
 * artifact on Argo — so that large values do not hit Argo's size limits.
 *
 * @example
 * ```ts
 * const Hello = t.type({ msg: t.string })
 * inputs: { foo: bigParam(Hello) } // Argo: an input artifact holding the JSON
 * ```
 */
export function bigParam<A>(codec: Codec<A>, options: Omit<ParamOptions<A>, 'big'> & { readonly default: A }): ParamSpec<A, true>
export function bigParam<A>(codec: Codec<A>, options?: Omit<ParamOptions<A>, 'big' | 'default'>): ParamSpec<A, false>
export function bigParam<A>(codec: Codec<A>, options: Omit<ParamOptions<A>, 'big'> = {}): ParamSpec<A, boolean> {
  return param(codec, { ...(options as ParamOptions<A> & { default: A }), big: true })
}
