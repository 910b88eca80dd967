import { cachedIn } from 'dflow-ts'
import type { LeafCall, LeafExecutor, LeafResult } from '../engine/executor.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { digestMemo } from './artifact-digest.ts'
import { CACHE_PREFIX, entryKey, readEntry, writeEntry, type CacheEntry } from './entry.ts'
import { callIdentity, templateDigests } from './identity.ts'

/**
 * Settings of {@link cached}.
 *
 * @example
 * ```ts
 * const s: CacheSettings = { entries: s3, artifacts: s3, all: true }
 * ```
 */
export interface CacheSettings {
  /** The store cache entries live in. */
  readonly entries: ArtifactStore
  /** The key prefix of entries in it. Default {@link CACHE_PREFIX} (`_cache`). */
  readonly prefix?: string
  /** The run's artifact store, where committed artifacts' digests are read; without one, artifacts are files on this machine and are hashed. */
  readonly artifacts?: ArtifactStore
  /** Whether templates that say nothing are cached (the run's `cache: true`); a template's own `cache` wins. */
  readonly all: boolean
}

/**
 * A {@link LeafExecutor} that takes a call's outputs from the cache when an earlier call had the same
 * content identity (see `identity.ts`), and otherwise runs it with `inner` and records what it produced.
 * Only templates with `cache: true` (or every template not saying `cache: false`, with `all`) are looked up.
 *
 * A hit needs the entry and every artifact it names, with the content digest it had: an entry whose artifacts
 * are gone (their run folder removed, their objects deleted) or changed is a miss, and the call runs (its new
 * entry replaces the old one). A hit does not run anything: its result says where its outputs came from
 * (`reused: { from: 'cache', run, step, key }`), which the step's record keeps. A call whose identity cannot be
 * had (an input artifact in no store this run reads) runs uncached. A failure to read or write the cache never
 * fails a step: it is a miss, or an entry not written.
 *
 * @example
 * ```ts
 * const executor = cached(localExecutor(settings), { entries: folderStore('.dflow-runs/.cache'), all: true })
 * await runWorkflow(wf, { executor, … })   // a second run takes every step from the cache
 * ```
 */
export const cached = (inner: LeafExecutor, s: CacheSettings): LeafExecutor => {
  const prefix = s.prefix ?? CACHE_PREFIX
  const digests = digestMemo(s.artifacts)
  const templates = templateDigests()
  const identityOf = (call: LeafCall) => callIdentity(call, digests, templates).catch(() => undefined)

  /** The entry's outputs, if every artifact it names is still there with the digest it had. */
  const hit = async (key: string, call: LeafCall): Promise<CacheEntry | undefined> => {
    const e = await readEntry(s.entries, key).catch(() => undefined)
    if (!e) return undefined
    for (const [name, v] of Object.entries(e.outputs)) {
      if (v.kind !== 'artifact' || v.at === null) continue
      const want = e.digests[name]
      if (want === undefined || (await digests(v.at)) !== want) return undefined
    }
    return e.template === call.template.name ? e : undefined
  }

  /** Records a succeeded call's outputs under its identity (not when an output artifact has no digest). */
  const remember = async (key: string, identity: string, call: LeafCall, r: LeafResult): Promise<void> => {
    const found: Record<string, string> = {}
    for (const [name, v] of Object.entries(r.outputs)) {
      if (v.kind !== 'artifact' || v.at === null) continue
      const d = await digests(v.at)
      if (d === undefined) return
      found[name] = d
    }
    const e: CacheEntry = {
      dflow: 'cache/1',
      identity,
      template: call.template.name,
      run: call.runId,
      step: call.stepId,
      createdAt: new Date().toISOString(),
      ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      outputs: r.outputs,
      record: r.record,
      digests: found,
    }
    await writeEntry(s.entries, key, e).catch(() => {})
  }

  return {
    ...inner,
    slots: inner.slots,
    run: async (call, signal, on) => {
      if (!cachedIn(call.template, s.all)) return inner.run(call, signal, on)
      const identity = await identityOf(call)
      if (identity === undefined) return inner.run(call, signal, on)
      const key = entryKey(prefix, call.template.name, identity)
      // A retry is a call that failed: the cache was looked up before its first attempt.
      const e = call.attempt === 0 && !signal.aborted ? await hit(key, call) : undefined
      if (e)
        return {
          phase: 'Succeeded',
          outputs: e.outputs,
          record: e.record,
          ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
          finishedAt: new Date().toISOString(),
          reused: { from: 'cache', run: e.run, step: e.step, key },
        }
      const r = await inner.run(call, signal, on)
      if (r.phase === 'Succeeded' && !r.reused) await remember(key, identity, call, r)
      return r
    },
  }
}
