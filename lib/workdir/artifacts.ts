import { cp, mkdir, rm, symlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Feature } from 'dflow-ts'
import type { LeafCall, LeafResult } from '../engine/executor.ts'
import type { StackSource } from '../engine/fan-in.ts'
import type { ArtifactValue, Value } from '../engine/values.ts'
import type { RunLayout } from '../run/layout.ts'
import { landAtomically } from '../storage/local-copy.ts'
import { fileLocation, relativeTo, type ArtifactLocation } from '../storage/location.ts'
import { PRIVATE_DIR } from '../storage/modes.ts'
import { outputKey } from '../storage/output-key.ts'
import { stageStack } from '../storage/stack.ts'
import type { StoreSet } from '../storage/store-set.ts'
import type { ArtifactStore } from '../storage/store.ts'

/*
 * A run's artifacts on this machine's engine, whatever runs its steps (local processes, batch jobs here or
 * over SSH): outputs committed to the run's store, fan-ins stacked, workflow artifacts read as locations.
 * Both interpreters on this machine (local, dispatcher) share them, so they mean the same.
 */

/**
 * The language features an interpreter on this machine's engine implements beyond the core (`dsl/features.ts`):
 * fan-ins of artifacts (through {@link stackArtifacts}), workflow artifacts (through {@link workflowArtifact}) and
 * slices of list artifacts (the executor's `parts`, through `listParts`; each call stages its part), and the
 * lifecycle hooks of a fan-out, which the engine runs for each call (`fan-out-hooks`).
 *
 * @example runParameters(wf, params, { artifacts, supports: ARTIFACT_FEATURES })
 */
export const ARTIFACT_FEATURES: readonly Feature[] = ['fan-in-artifacts', 'workflow-artifacts', 'slice-artifacts', 'fan-out-hooks']

/**
 * A workflow artifact's value as the engine reads it: a location as given, a path resolved against `baseDir`.
 *
 * @example workflowArtifact('data.txt', '/home/me') // { kind: 'artifact', at: fileLocation('/home/me/data.txt') }
 */
export const workflowArtifact = (a: ArtifactLocation | string, baseDir: string): ArtifactValue => ({ kind: 'artifact', at: typeof a === 'string' ? fileLocation(resolve(baseDir, a)) : a })

/**
 * Commits a succeeded call's output artifacts (files of this machine) to the store, under
 * `<run id>/<step id>/<name>` ({@link outputKey}): each location becomes the store's; a failure to commit errs the call.
 *
 * @example
 * ```ts
 * const r = await commitOutputs(store, call, result) // r.outputs.out.at.store === store.id
 * ```
 */
export const commitOutputs = async (store: ArtifactStore, call: LeafCall, r: LeafResult): Promise<LeafResult> => {
  const outputs: Record<string, Value> = { ...r.outputs }
  const artifacts = { ...r.record.artifacts }
  try {
    for (const [name, v] of Object.entries(r.outputs)) {
      if (v.kind !== 'artifact' || v.at?.path === undefined) continue
      const { at } = await store.put(v.at.path, outputKey(call.runId, call.stepId, name))
      outputs[name] = { kind: 'artifact', at }
      artifacts[name] = at
    }
  } catch (e) {
    return { ...r, phase: 'Error', outputs: {}, message: `could not commit the outputs to ${store.id}: ${(e as Error).message}` }
  }
  return { ...r, outputs, record: { ...r.record, artifacts } }
}

/** Where and how {@link stackArtifacts} lays a stacked artifact out. @example const s: StackPlace = { layout, stores, stage: 'copy' } */
export interface StackPlace {
  readonly layout: RunLayout
  /** The run's store, if it has one: the stack is committed to it. */
  readonly store?: ArtifactStore
  /** Where parts that are not files of this machine are fetched from. */
  readonly stores: StoreSet
  /** Entries as symlinks to the parts, or copies (what a step folder copied to another machine needs). */
  readonly stage: 'symlink' | 'copy'
}

/**
 * Stacks a fan-out's output artifact into one list artifact (see `LeafExecutor.stack`): with a store,
 * `store.stack` commits it under the fan-out's output key (`RUN/FANOUT/OUTPUT`, {@link outputKey}); without
 * one it is laid out in the run folder, `fan-in/FANOUT/OUTPUT`, each entry a symlink to (with `stage:
 * 'copy'`, a copy of) the call's artifact, and renamed into place whole.
 *
 * @example
 * ```ts
 * await stackArtifacts({ layout, stores, stage: 'symlink' }, { runId, stepId: 'square', name: 'out', parts }, signal) // fileLocation('…/fan-in/square/out')
 * ```
 */
export const stackArtifacts = async (s: StackPlace, src: StackSource, signal: AbortSignal): Promise<ArtifactLocation> => {
  const key = outputKey(src.runId, src.stepId, src.name)
  const parts = src.parts.map((p) => p ?? undefined)
  if (s.store) {
    const id = s.store.id
    return (await s.store.stack(parts.map((p) => p && (relativeTo(p, id) ?? p)), key, { signal })).at
  }
  const to = join(s.layout.dir, 'fan-in', ...key.split('/').slice(1))
  await rm(to, { recursive: true, force: true })
  await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR })
  await landAtomically(to, (tmp) =>
    stageStack(parts, tmp, async (at, entry) => {
      const loc = at as ArtifactLocation
      if (loc.path !== undefined) return s.stage === 'copy' ? cp(loc.path, entry, { recursive: true }) : symlink(loc.path, entry)
      const [store, here] = s.stores.holding(loc)
      await store.get(here, entry, { signal })
    }),
  )
  return fileLocation(to)
}
