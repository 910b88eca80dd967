import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DflowError } from 'dflow-ts'
import { importWorkflow, type Imported } from '../argo/import/index.ts'
import { holdLocks } from '../argo/import/sync.ts'
import type { KubeObject } from '../argo/kube-object.ts'
import { nodeMapper, type PodOf } from '../argo/server/node-map.ts'
import type { RunControl, Runner, RunOutcome } from '../argo/server/runner.ts'
import { local, runLayout, type Spawner, type StepRecord } from '../local/index.ts'
import { sharedLauncher } from '../local/launcher.ts'

/**
 * Settings of the runner `dflow server` runs workflows with; every field has a default.
 *
 * @example
 * ```ts
 * const o: EngineRunnerOptions = { runsDir: '.dflow-runs', timeScale: 0.1, parallelism: 4 }
 * ```
 */
export interface EngineRunnerOptions {
  /** Where run folders go (default `.dflow-runs`, as `dflow run`'s: `dflow status` reads them). */
  readonly runsDir?: string
  /** Where memoize caches (mirrors of the server's ConfigMaps) and locks are kept (default: a new temporary folder). */
  readonly stateDir?: string
  /** The artifact repository for key-only S3 artifacts (the importer's default when not given). */
  readonly artifactRepository?: string
  /** Multiplies every duration, as `dflow run --time-scale` (default 1). */
  readonly timeScale?: number
  /** At most this many step processes at once (default: the number of cores). */
  readonly parallelism?: number
  /** The environment steps start from (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** How often running steps' logs are read into their pods, in ms (default 250). */
  readonly logPollMs?: number
}

const CACHE_LABEL = 'workflows.argoproj.io/configmap-type'

/** The Workflow as the importer reads it: the fields a user gives, without the server's (uid, status) or the run's controls (suspend, shutdown). */
const sourceOf = (wf: KubeObject): Record<string, unknown> => {
  const { suspend: _s, shutdown: _t, ...spec } = (wf['spec'] ?? {}) as Record<string, unknown>
  const m = wf.metadata
  return { apiVersion: wf['apiVersion'] ?? 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: m.name, ...(m.labels ? { labels: m.labels } : {}), ...(m.annotations ? { annotations: m.annotations } : {}) }, spec }
}

/** Steps start only while the workflow is not suspended (`spec.suspend`): a process waits for `proceed()` before it is spawned. */
const held = (spawn: Spawner, control: RunControl): Spawner => async (spec) => {
  if (control.suspended()) await control.proceed()
  return spawn(spec)
}

/**
 * The pods' logs of one run: each Pod node's log file (a retried step's attempt `n` is its
 * `attempts/n/log.txt` once archived) read from where it was left, while it runs and once it ends.
 */
const podLogs = (control: RunControl, every: number) => {
  let dir: string | undefined
  const open = new Map<string, { readonly stepId: string; readonly attempt?: number; offset: number }>() // by node name
  const closed = new Set<string>()
  const drain = (node: string) => {
    const p = open.get(node)
    if (!p || dir === undefined) return
    const l = runLayout(dir)
    const archived = p.attempt === undefined ? undefined : join(l.stepDir(p.stepId), 'attempts', String(p.attempt), 'log.txt')
    const file = archived && existsSync(archived) ? archived : l.log(p.stepId)
    let bytes: Buffer
    try {
      bytes = readFileSync(file)
    } catch {
      return
    }
    if (bytes.length > p.offset) {
      control.log(node, bytes.subarray(p.offset).toString('utf8'))
      p.offset = bytes.length
    }
  }
  const timer = setInterval(() => [...open.keys()].forEach(drain), every)
  timer.unref()
  return {
    folder: (d: string) => void (dir = d),
    step: (r: StepRecord, pods: readonly PodOf[]) => {
      for (const pod of pods) {
        if (closed.has(pod.node)) continue
        if (!open.has(pod.node)) open.set(pod.node, { stepId: r.id, ...(pod.attempt !== undefined ? { attempt: pod.attempt } : {}), offset: 0 })
        if (pod.done) drain(pod.node), open.delete(pod.node), closed.add(pod.node)
      }
    },
    close: () => {
      clearInterval(timer)
      for (const node of [...open.keys()]) drain(node)
      open.clear()
    },
  }
}

/** The memoize caches of a namespace: the server's Cache ConfigMaps written as the files the importer's leaves read, and read back after a run. */
const memoCaches = (dir: string, control: RunControl) => {
  mkdirSync(dir, { recursive: true })
  const written = new Map<string, string>()
  for (const cm of control.configMaps())
    if (cm.metadata.labels?.[CACHE_LABEL] === 'Cache') {
      const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm.metadata.name, labels: cm.metadata.labels }, data: cm['data'] ?? {} })
      writeFileSync(join(dir, `${cm.metadata.name}.json`), text)
      written.set(cm.metadata.name!, text)
    }
  return {
    /** Puts the caches the run changed back into the server's ConfigMaps. */
    sync: () => {
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        const text = readFileSync(join(dir, f), 'utf8')
        if (written.get(f.slice(0, -5)) === text) continue
        try {
          control.putConfigMap(JSON.parse(text) as KubeObject)
        } catch {
          // a cache file half-written by a concurrent run: the next sync has it
        }
      }
    },
  }
}

/**
 * The runner of `dflow server`: each Workflow it receives is imported (lib/argo/import, as `dflow run
 * FILE.yaml` imports one) and run on the local interpreter, its steps reported under Argo's node naming
 * (node-map.ts) and their processes' stdout and stderr sent to their pods' logs. `spec.suspend` holds new
 * steps back; `spec.shutdown` and deletion stop the run; a retry (the workflow put back to Running with the
 * Succeeded nodes kept) restarts the run's folder, so that Succeeded steps are not run again; memoization
 * reads and writes the namespace's ConfigMaps; `configMapKeyRef` reads them too. A workflow the importer
 * refuses ends in Error with the importer's message (the field and the fix).
 *
 * @example
 * ```ts
 * const server = await startServer({ runner: engineRunner({ runsDir: '/tmp/runs' }) })
 * ```
 */
export const engineRunner = (options: EngineRunnerOptions = {}): Runner => {
  const runsDir = options.runsDir ?? '.dflow-runs'
  let stateDir = options.stateDir
  const earlier = new Map<string, string>() // workflow uid → its last run folder
  return async (wf, control): Promise<RunOutcome> => {
    stateDir ??= mkdtempSync(join(tmpdir(), 'dflow-server-'))
    const ns = wf.metadata.namespace ?? 'default'
    const memo = memoCaches(join(stateDir, 'memoize', ns), control)
    let imported: Imported
    try {
      imported = importWorkflow(sourceOf(wf), {
        configmaps: control.configMaps(),
        templates: [...control.workflowTemplates(), ...control.clusterWorkflowTemplates()],
        memoizeDir: join(stateDir, 'memoize', ns),
        syncDir: join(stateDir, 'locks', ns),
        ...(options.artifactRepository ? { artifactRepository: options.artifactRepository } : {}),
        ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
      })
    } catch (e) {
      if (e instanceof DflowError) return { phase: 'Error', message: `the workflow cannot be run locally: ${e.message}` }
      throw e
    }
    const kept = Object.values(((wf['status'] as { nodes?: Record<string, { name: string }> } | undefined)?.nodes ?? {}) as Record<string, { name: string }>)
    const mapper = nodeMapper(wf, imported.workflow.name, kept.map((n) => n.name))
    const logs = podLogs(control, options.logPollMs ?? 250)
    const stop = new AbortController()
    const onAbort = () => stop.abort(control.signal.reason)
    control.signal.addEventListener('abort', onAbort)
    if (control.signal.aborted) onAbort()
    const deadline = imported.deadlineSeconds === undefined ? undefined : setTimeout(() => stop.abort(`the workflow's activeDeadlineSeconds (${imported.deadlineSeconds} s) ran out`), imported.deadlineSeconds * 1000)
    const release = await holdLocks(imported.synchronization ?? [])
    sharedLauncher.prewarm() // as local() does for its own launcher: the steps are spawned through `held`, which it does not recognise
    try {
      const interpreter = local({
        runsDir,
        spawn: held(sharedLauncher.spawn, control),
        ...(options.parallelism ? { parallelism: options.parallelism } : {}),
        ...(options.env ? { env: options.env } : {}),
        onEvent: (e) => {
          if (e.type === 'workflow') return logs.folder(e.dir)
          for (const r of mapper.reports(e.step)) control.node(r)
          logs.step(e.step, mapper.pods(e.step))
        },
      })
      const before = kept.length ? earlier.get(wf.metadata.uid!) : undefined
      const run = before
        ? await interpreter.restart(before, { workflow: imported.workflow, allowChanges: true, signal: stop.signal, onWarning: () => {} })
        : await interpreter.run(imported.workflow, { signal: stop.signal, ...(imported.composite ? { composite: imported.composite } : {}) })
      earlier.set(wf.metadata.uid!, run.dir)
      const phase = run.status === 'Succeeded' ? 'Succeeded' : run.status === 'Error' ? 'Error' : 'Failed'
      return { phase, ...(run.message ? { message: run.message } : {}) }
    } finally {
      logs.close()
      clearTimeout(deadline)
      release()
      control.signal.removeEventListener('abort', onAbort)
      memo.sync()
    }
  }
}
