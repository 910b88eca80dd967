/**
 * `restart(runDir)`: continues a local run whose driver died (kill -9, an OOM kill, a reboot) or was stopped.
 * Steps recorded Succeeded keep their outputs and are not run again; steps that were in flight run again (what
 * they left running is killed first); the run ends as if it had never stopped, in the same run folder, under
 * the same id.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { LeafTemplate, Workflow } from 'dflow-ts'
import { leafParts } from '../fn/leaf-parts.ts'
import type { CompositePrior, Prior } from '../engine/prior.ts'
import { restartPrior } from '../engine/restart-prior.ts'
import { runParameters } from '../engine/run.ts'
import type { Value } from '../engine/values.ts'
import { loadWorkflow } from '../loader/workflow-file.ts'
import { driverState } from '../run/driver.ts'
import { loadRunFolder } from '../run/folder-run-store.ts'
import { changedTemplates, identityChanges, workflowIdentity, type WorkflowIdentity } from '../run/identity.ts'
import { readJournalReport } from '../run/journal.ts'
import { runLayout } from '../run/layout.ts'
import { FINAL_PHASES, type WorkflowRecord } from '../run/records.ts'
import { readRestartRecord, writeRestartRecord, type RestartRecord, type RunSource } from '../run/restart-record.ts'
import type { RunState } from '../run/run-store.ts'
import { decodersOf, runView, type Run } from '../run/run-view.ts'
import { valueStore, wiresOf } from '../run/value-store.ts'
import type { LocalConfig } from './index.ts'
import { endLeftovers } from './leftovers.ts'

/**
 * Options of a restart.
 *
 * @example
 * ```ts
 * await restart('.dflow-runs/recurse-20261201-101500-3f9a', { allowChanges: true, onWarning: console.warn })
 * ```
 */
export interface RestartOptions {
  /** The workflow value. Default: loaded again from the file the run recorded (`dflow run` records it). */
  readonly workflow?: Workflow<any>
  /**
   * Restart even though the workflow value changed since the run started: the steps of changed templates, and
   * every step downstream of one, run again. Without it a changed value is refused ({@link RestartRefused}).
   */
  readonly allowChanges?: boolean
  /** Stops the restarted run, as `run(wf, { signal })`. */
  readonly signal?: AbortSignal
  /** What restart warns of (a journal cut short by a crash). Default: `console.warn`. */
  readonly onWarning?: (message: string) => void
}

/**
 * A restart that cannot go ahead: the run folder cannot be restarted (no `restart.json`, its driver still
 * runs), or the workflow changed (`changes` says how) and `allowChanges` was not given.
 *
 * @example
 * ```ts
 * try { await restart(dir) } catch (e) { if (e instanceof RestartRefused) console.error(e.message, e.changes) }
 * ```
 */
export class RestartRefused extends Error {
  readonly changes: readonly string[]
  constructor(message: string, changes: readonly string[] = []) {
    super(message)
    this.name = 'RestartRefused'
    this.changes = changes
  }
}

/** How a run goes once its folder exists: `local()`'s, given to {@link restartRun}. */
export type Drive = (
  config: LocalConfig,
  wf: Workflow<any>,
  plan: { readonly id: string; readonly dir: string; readonly params: Readonly<Record<string, Value>>; readonly prior?: Prior; readonly composite?: CompositePrior; readonly earlier?: RunState; readonly signal?: AbortSignal; readonly cache?: boolean },
) => Promise<Run>

/**
 * The identity of a workflow value as a run folder records it: {@link workflowIdentity} with each leaf
 * template's bundle and packages read from disk (once per module for one value).
 *
 * @example
 * ```ts
 * valueIdentity(wf).bundles.plus1 // 'sha256:…'
 * ```
 */
export const valueIdentity = (wf: Workflow<any>): WorkflowIdentity => {
  const bundles = new Map<string, string>()
  return workflowIdentity(wf, (t: LeafTemplate) => leafParts(t, bundles))
}

/**
 * What a new run folder records for a restart: the source, the value's identity, the settings that change
 * what the run does.
 *
 * @example
 * ```ts
 * writeRestartRecord(dir, restartRecordOf(wf, config, { file: '/home/me/wf.ts' }))
 * ```
 */
export const restartRecordOf = (wf: Workflow<any>, config: LocalConfig, source: RunSource | undefined): RestartRecord => ({
  version: 2,
  ...(source ? { source: { ...source, file: resolve(source.file) } } : {}),
  identity: valueIdentity(wf),
  settings: {
    ...(config.parallelism !== undefined ? { parallelism: config.parallelism } : {}),
    ...(config.stage ? { stage: config.stage } : {}),
    baseDir: resolve(config.baseDir ?? '.'),
    ...(config.killGraceSeconds !== undefined ? { killGraceSeconds: config.killGraceSeconds } : {}),
    ...(config.store ? { store: config.store.id } : {}),
  },
})

/** The settings a run recorded, under those given now. */
const settingsOf = (rec: RestartRecord, config: LocalConfig): LocalConfig => {
  const s = rec.settings as { parallelism?: number; stage?: 'symlink' | 'copy'; baseDir?: string; killGraceSeconds?: number; store?: string }
  if (s.store !== undefined && config.store?.id !== s.store) throw new RestartRefused(`the run kept its artifacts in store ${s.store}: restart it with that store (local({ store }).restart(dir), dflow restart --store URL)`)
  return {
    ...(s.parallelism !== undefined ? { parallelism: s.parallelism } : {}),
    ...(s.stage ? { stage: s.stage } : {}),
    ...(s.baseDir ? { baseDir: s.baseDir } : {}),
    ...(s.killGraceSeconds !== undefined ? { killGraceSeconds: s.killGraceSeconds } : {}),
    ...config,
  }
}

/**
 * Continues a run in its folder (see the module's doc), with the settings it recorded under `config`. Refuses
 * ({@link RestartRefused}) a run whose driver still runs, or whose workflow value changed unless
 * `allowChanges`. A run that succeeded, restarted with the same value, has nothing left to do: it is returned as
 * it is. A journal cut short by a crash is read to its last whole record, with a warning.
 *
 * @example
 * ```ts
 * const run = await restartRun(config, drive, dir, {})
 * run.status // 'Succeeded'
 * ```
 */
export const restartRun = async (config: LocalConfig, drive: Drive, runDir: string, options: RestartOptions = {}): Promise<Run> => {
  const dir = resolve(runDir)
  const layout = runLayout(dir)
  const rec = readRestartRecord(dir)
  if (typeof rec === 'string') throw new RestartRefused(`cannot restart ${dir}: ${rec}`)
  const was = JSON.parse(readFileSync(layout.workflowFile, 'utf8')) as WorkflowRecord
  if (!FINAL_PHASES.has(was.status)) {
    const state = driverState(was)
    if (state === 'alive') throw new RestartRefused(`cannot restart ${dir}: its driver (pid ${was.pid}) is still running it (stop it first: kill ${was.pid})`)
    if (state === 'unknown') throw new RestartRefused(`cannot restart ${dir}: it is driven from host ${was.host}, and from here it cannot be told whether its driver (pid ${was.pid}) still runs`)
  }
  const wf = options.workflow ?? (await workflowOf(dir, rec.source))
  const now = valueIdentity(wf)
  const changes = identityChanges(rec.identity, now)
  if (changes.length && !options.allowChanges)
    throw new RestartRefused(
      `cannot restart ${dir}: the workflow changed since the run started:\n${changes.map((c) => `  - ${c}`).join('\n')}\n` +
        'restart with --allow-changes (allowChanges: true) to run the changed steps, and every step downstream of one, again',
      changes,
    )
  const settings = settingsOf(rec, config)
  if (was.status === 'Succeeded' && !changes.length) {
    const { workflow, steps } = await loadRunFolder(dir)
    return runView(dir, workflow, steps, decodersOf(wf), settings.store ? [settings.store] : [])
  }
  const values = valueStore(dir)
  const given = { ...was.parameters, ...Object.fromEntries(Object.entries(was.storedParameters ?? {}).map(([k, d]) => [k, values.get(d)])) }
  const params = runParameters(wf, given)
  const { records, warnings } = readJournalReport(layout.journal)
  for (const w of warnings) (options.onWarning ?? console.warn)(w)
  const prior = restartPrior({
    steps: records,
    wires: (io) => wiresOf(io, values),
    exists: (at) => at.path === undefined || existsSync(at.path),
    changed: changedTemplates(rec.identity, now),
  })
  const left = await endLeftovers(layout.stepsDir)
  if (left.length) throw new RestartRefused(`cannot restart ${dir}: processes of its killed steps still run and could not be killed (pids ${left.join(', ')})`)
  const run = await drive(settings, wf, { id: was.id, dir, params, prior, earlier: { workflow: was, steps: records }, ...(options.signal ? { signal: options.signal } : {}) })
  // The run now is what the changed value made of it (a restart killed before this compares with the old value again).
  if (changes.length) writeRestartRecord(dir, { ...rec, identity: now })
  return run
}

const workflowOf = async (dir: string, source: RunSource | undefined): Promise<Workflow<any>> => {
  if (!source) throw new RestartRefused(`cannot restart ${dir}: it was started from the API with no source file: pass the workflow value (restart(dir, { workflow }))`)
  if (source.argo) throw new RestartRefused(`cannot restart ${dir} here: it ran Argo YAML (${source.file}): use dflow restart, or pass the imported workflow value`)
  return loadWorkflow(source.file, source.export)
}
