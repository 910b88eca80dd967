/**
 * Slices of list artifacts (dflow's `input_artifact` with `sub_path`): the slice's width is the artifact's
 * catalog — its items' paths in order, read when the step runs through the executor ({@link LeafExecutor.parts})
 * — and call i's input is the part at path i, a location under the artifact's own (only that part is staged).
 *
 * @module
 */
import { isRef, type ForEachSource } from 'dflow-ts'
import type { ArtifactLocation } from '../storage/location.ts'
import type { LeafExecutor } from './executor.ts'
import { lookup, ResolveError, type Scope, type Value } from './values.ts'

/** A part's path: `/`-separated names under the artifact, none empty, `.` or `..`. */
const PART = /^(?!\/)(?:(?!\.\.?(?:\/|$))[^/]+\/?)+$/

/**
 * The location of the part `part` (a path under the artifact) of the artifact at `at`: the same key, the
 * part's path in it, and its own path on this machine when the artifact has one.
 *
 * @example partAt({ store: 'file:///s', key: 'wf/prep/foo', path: '/s/wf/prep/foo/content' }, 'foo1.txt') // { …, key: 'wf/prep/foo', path: '/s/wf/prep/foo/content/foo1.txt', part: 'foo1.txt' }
 */
export const partAt = (at: ArtifactLocation, part: string): ArtifactLocation => {
  if (!PART.test(part) || part.endsWith('/')) throw new ResolveError(`slice: "${part}" is not a path inside the sliced artifact`)
  return Object.freeze({ ...at, ...(at.path !== undefined ? { path: `${at.path}/${part}` } : {}), part: at.part === undefined ? part : `${at.part}/${part}` })
}

/**
 * A slice's part of an artifact value: its location under the artifact's, or — for a fan-in not stacked yet
 * — the part to take once it is.
 *
 * @example partValue({ kind: 'artifact', at }, 'foo1.txt') // { kind: 'artifact', at: partAt(at, 'foo1.txt') }
 */
export const partValue = (v: Value, part: string): Value => {
  if (v.kind !== 'artifact') throw new ResolveError(`slice: the sliced value is not an artifact`)
  if (v.at) return { kind: 'artifact', at: partAt(v.at, part) }
  if (v.fanIn) return { ...v, part }
  throw new ResolveError('slice: the sliced artifact was omitted')
}

/**
 * A slice's source with each sliced list artifact replaced by the paths of its catalog, in order (a fan-in
 * stacked first, by `stack`); a source without one is returned as it is. Rejects with a {@link ResolveError}
 * for an artifact that has no catalog, or an executor that cannot read one.
 *
 * @example
 * ```ts
 * await withArtifactParts({ _tag: 'Zip', lists: { foo: prep.outputs.foo } }, scope, executor, stack, signal)
 * // { _tag: 'Zip', lists: { foo: ['foo1.txt', 'foo2.txt'] } }
 * ```
 */
export const withArtifactParts = async (
  source: ForEachSource,
  scope: Scope,
  executor: LeafExecutor,
  stack: (v: Value, signal: AbortSignal) => Promise<Value>,
  signal: AbortSignal,
): Promise<ForEachSource> => {
  if (source._tag !== 'Zip' || !Object.values(source.lists).some((v) => isRef(v) && v._tag === 'ArtifactRef')) return source
  const lists: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(source.lists)) {
    if (!(isRef(v) && v._tag === 'ArtifactRef')) {
      lists[k] = v
      continue
    }
    const what = `slice of "${k}" (${v.source.kind === 'step' ? `${v.source.step}.` : ''}${v.name})`
    const value = await stack(lookup(v, scope), signal)
    if (value.kind !== 'artifact' || !value.at) throw new ResolveError(`${what}: the artifact was omitted`)
    if (!executor.parts) throw new ResolveError(`${what}: this executor cannot read an artifact's catalog`)
    let parts: readonly string[] | undefined
    try {
      parts = await executor.parts(value.at, signal)
    } catch (e) {
      throw new ResolveError(`${what}: its catalog could not be read: ${(e as Error).message}`)
    }
    if (parts === undefined) throw new ResolveError(`${what}: the artifact has no catalog (.dflow/), so it is not a list artifact: produce it as an artifactList() output, or from a fan-out`)
    lists[k] = parts
  }
  return Object.freeze({ ...source, lists: Object.freeze(lists) as typeof source.lists })
}
