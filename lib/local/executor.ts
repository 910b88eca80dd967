import { daemonOf } from '../engine/daemon.ts'
import { probeReadiness } from './readiness.ts'
import type { LeafExecutor, LeafResult } from '../engine/executor.ts'
import { listParts } from '../storage/parts.ts'
import { storeSet } from '../storage/store-set.ts'
import type { ArtifactStore } from '../storage/store.ts'
import { limiter } from '../engine/limiter.ts'
import type { RunLayout } from '../run/layout.ts'
import type { ValueStore } from '../run/value-store.ts'
import { runFnLeaf } from './fn-leaf.ts'
import { commitOutputs, stackArtifacts } from '../workdir/artifacts.ts'
import { archiveAttempt, archiveEarlier, stepFolders } from '../workdir/folders.ts'
import { runLeaf, type LeafContext } from './leaf.ts'
import type { Spawner } from './process-group.ts'
import { watchProgress } from '../workdir/progress.ts'
import { outputFolders } from '../workdir/prepare.ts'

/**
 * Settings of the local executor of one run.
 *
 * @example
 * ```ts
 * const s: LocalExecutorSettings = { layout: runLayout(dir), values: valueStore(dir), spawn, slots: 4, stage: 'symlink', baseEnv: {}, killGraceSeconds: 2, progressPollMs: 200, reuseWorkers: true }
 * ```
 */
export interface LocalExecutorSettings {
  readonly layout: RunLayout
  /** The run's value store: large values reach scripts as files of it. */
  readonly values: ValueStore
  /** Starts a script step's process. */
  readonly spawn: Spawner
  /** At most this many leaf processes at once. */
  readonly slots: number
  readonly stage: 'symlink' | 'copy'
  readonly baseEnv: Readonly<Record<string, string>>
  readonly killGraceSeconds: number
  /** How often a running step's progress file is read, in ms. */
  readonly progressPollMs: number
  /** Whether a function-OP worker may serve several calls (a warm pool); false: a fresh process per call. */
  readonly reuseWorkers: boolean
  /**
   * Where output artifacts are committed (under `<run id>/<step id>/<name>`), and input locations that are not on this
   * machine are fetched from. Without one, an output stays where its step wrote it (its location is that file).
   */
  readonly store?: ArtifactStore
  /** The environment stores named by input locations are opened from (`AWS_*`, see `openStore`). Default: this process's. */
  readonly storeEnv?: Readonly<Record<string, string | undefined>>
  /**
   * A restarted run: a step folder an earlier driver left is moved aside (`restarted/<k>/`) before the step's
   * first attempt, and no folder is made ahead of need.
   */
  readonly restarted?: boolean
}

/**
 * The local executor: each leaf call runs as a local process (a script through the spawner, a function OP
 * in a worker process) in its own step folder of the run folder, at most `slots` at once. It watches the
 * step's progress file while the process runs, makes step folders ahead of need (`prepare`), and archives a
 * failed attempt's folder to `attempts/<n>/` before a retry. Input artifacts are linked (or copied) from
 * where they are on this machine, or fetched from the store that holds them (the run's, or the one a
 * location names); with a store, a succeeded call's output artifacts are committed to it. It stacks the
 * fan-ins of artifacts (`stack`).
 *
 * @example
 * ```ts
 * const executor = localExecutor({ layout, values, spawn: sharedLauncher.spawn, slots: 4, … })
 * await runWorkflow(wf, { executor, runs, … })
 * ```
 */
export const localExecutor = (s: LocalExecutorSettings): LeafExecutor => {
  const { layout } = s
  const folders = stepFolders(layout)
  const slots = limiter(s.slots)
  const scripts = new Map<string, Promise<void>>()
  const stores = storeSet(s.store, s.storeEnv ?? process.env)
  // A template's script path, once per template (the engine asks for it on every call's record).
  const scriptPaths = new Map<string, string>()
  const scriptPath = (name: string): string => {
    let p = scriptPaths.get(name)
    if (p === undefined) scriptPaths.set(name, (p = layout.script(name).relative))
    return p
  }
  return {
    slots: s.slots,
    run: async (call, signal, on) => {
      const progressFile = layout.progress(call.stepId)
      // The progress file is polled only once the step's process has started (not while it waits for a slot).
      let stopWatching: (() => Promise<void>) | undefined
      // a daemon's readiness probe runs from its start to its end (see daemon.ts)
      let stopProbe: (() => void) | undefined
      const probe = daemonOf(call.template)?.readiness
      // the daemon's process group: where an exec probe runs its command
      let group: number | undefined
      const onStart = () => {
        on({ type: 'started' })
        stopWatching ??= watchProgress(progressFile, s.progressPollMs, (progress) => on({ type: 'progress', progress }))
        if (probe) stopProbe ??= probeReadiness(probe, () => on({ type: 'ready' }), () => group)
      }
      const ctx: LeafContext = { layout, folders, spawn: s.spawn, values: s.values, runId: call.runId, limiter: slots, stage: s.stage, baseEnv: s.baseEnv, killGraceSeconds: s.killGraceSeconds, params: call.parameters, scripts, onStart, ...(probe ? { onProcess: (pid: number) => void (group = pid) } : {}), progressFile, reuseWorkers: s.reuseWorkers, stores }
      const t = call.template
      if (s.restarted && call.attempt === 0) archiveEarlier(layout.stepDir(call.stepId))
      let r: LeafResult
      try {
        r = t._tag === 'ScriptTemplate' ? await runLeaf(call.stepId, t, call.inputs, ctx, signal) : await runFnLeaf(call.stepId, t, call.inputs, ctx, signal, call.key ?? call.stepName)
      } finally {
        stopProbe?.()
        await stopWatching?.()
      }
      return s.store && r.phase === 'Succeeded' ? commitOutputs(s.store, call, r) : r
    },
    prepare: (id, t) => (s.restarted ? undefined : folders.warm(id, outputFolders(layout, id, t))),
    discard: (id) => folders.drop(id),
    archive: (call) => archiveAttempt(layout.stepDir(call.stepId), call.attempt),
    scriptOf: (t) => (t._tag === 'ScriptTemplate' ? scriptPath(t.name) : undefined),
    stack: (source, signal) => stackArtifacts({ layout, stores, stage: s.stage, ...(s.store ? { store: s.store } : {}) }, source, signal),
    parts: (at, signal) => listParts(at, stores, signal),
    close: async () => {
      await folders.sweep()
      await stores.close()
    },
  }
}
