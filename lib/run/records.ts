/**
 * What the local interpreter records about a run, as plain JSON: `workflow.json` per run (written
 * atomically) and one line of the step journal `steps.jsonl` per change of a step's state, both written
 * only by the driver.
 */

import type { ArtifactLocation } from '../storage/location.ts'
import type { DriverIdentity } from './driver.ts'
import type { Reused } from './reused.ts'

/** Every phase, in the order a step may go through them. @example PHASES.includes('Omitted') // true */
export const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'] as const

/**
 * A step's or workflow's phase, with Argo's names.
 *
 * @example
 * ```ts
 * const p: Phase = 'Succeeded'
 * ```
 */
export type Phase = (typeof PHASES)[number]

/**
 * The kinds of step records: a leaf process (`Pod`, as Argo), a sub-workflow call (`Steps` or `DAG`), or
 * the group of the calls of a fan-out (`StepGroup`, whose children are `name(0)`, `name(1)`, …).
 *
 * @example
 * ```ts
 * const s: StepType = 'Pod'
 * ```
 */
export type StepType = (typeof STEP_TYPES)[number]

/** Every kind of step record. @example STEP_TYPES.includes('Pod') // true */
export const STEP_TYPES = ['Pod', 'Steps', 'DAG', 'StepGroup'] as const

/** Phases after which nothing changes. @example FINAL_PHASES.has('Failed') // true */
export const FINAL_PHASES: ReadonlySet<Phase> = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted'])

/**
 * One step's state, as a line of the journal `steps.jsonl` (the latest line of a step wins).
 *
 * @example
 * ```json
 * { "id": "hello1", "name": "hello1", "parent": null, "type": "Pod", "template": "duplicate", "phase": "Succeeded",
 *   "inputs": { "parameters": { "msg": "1" }, "artifacts": { "foo": { "store": "file:///", "key": "runs/steps-x/steps/hello0/workdir/bar.txt", "path": "/runs/steps-x/steps/hello0/workdir/bar.txt" } } },
 *   "outputs": { "parameters": { "msg": "2" }, "values": { "msg": 2 }, "artifacts": { "bar": { "store": "file:///", "key": "…/hello1/workdir/bar.txt", "path": "…/hello1/workdir/bar.txt" } } } }
 * ```
 */
export interface StepRecord {
  readonly id: string
  readonly name: string
  /** The id of the enclosing sub-workflow step, or null at the top level. */
  readonly parent: string | null
  readonly type: StepType
  readonly template: string
  readonly key?: string
  /** For one call of a fan-out (forEach, Argo's withItems / withParam / withSequence): its item, as the list gave it. */
  readonly item?: unknown
  readonly phase: Phase
  readonly startedAt?: string
  readonly finishedAt?: string
  /** The process's exit code; 128 + the signal's number when a signal ended it (137 for SIGKILL), as shells and Kubernetes report. */
  readonly exitCode?: number
  /** The signal that ended the step's process (`SIGKILL`), if one did. */
  readonly signal?: string
  /** Why it failed, errored, was skipped or omitted. */
  readonly message?: string
  /** For a Pod: the script it ran, relative to the run folder. */
  readonly script?: string
  readonly inputs: IoRecord
  readonly outputs: IoRecord
  /** Every attempt when the step was retried or timed (the last one is the step's own outcome). */
  readonly attempts?: readonly AttemptRecord[]
  /** The last progress the step reported (`current/total`). */
  readonly progress?: string
  /** For a Pod run as a batch job (the dispatcher): the job's system, name, id and the scheduler's last word for it. */
  readonly job?: JobRecord
  /** For a fan-out: how many of its calls started (a stopped run starts no more; those get no record). */
  readonly calls?: { readonly started: number; readonly total: number }
  /** Set when the step did not run: its outputs were taken from an earlier call (the cache, a restart, a reuse). */
  readonly reused?: Reused
  /**
   * Set when the run's driver is gone and this step was not finished: the step reads as Failed (its
   * journal still says Running). Never written to the journal; {@link WorkflowRecord.interrupted} says more.
   */
  readonly interrupted?: true
}

/**
 * The batch job a leaf step ran in (its latest attempt's): which system, the job's name and id, and the
 * scheduler's last state for it (its own word: `PENDING`, `RUNNING`, `qw`, …) with its reason.
 *
 * @example
 * ```json
 * { "system": "slurm", "name": "df0123456789abc", "id": "42", "state": "RUNNING" }
 * ```
 */
export interface JobRecord {
  readonly system: string
  readonly name: string
  readonly id?: string
  readonly state?: string
  readonly reason?: string
}

/**
 * One attempt of a leaf step. Earlier attempts' folders (work folder, log, outputs) are kept under
 * `steps/<id>/attempts/<n>/`.
 *
 * @example
 * ```json
 * { "attempt": 0, "phase": "Failed", "startedAt": "…", "finishedAt": "…", "exitCode": 1, "message": "exit code 1: TransientError: busy" }
 * ```
 */
export interface AttemptRecord {
  readonly attempt: number
  readonly phase: Phase
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly exitCode?: number
  readonly signal?: string
  readonly message?: string
  readonly timedOut?: boolean
}

/**
 * Parameters as wire strings, their decoded values (JSON of `codec.encode`), and artifact locations. In the
 * journal, a parameter longer than 4096 characters is in `stored` instead, named by the digest of its file
 * in the run's `values/` folder (see `value-store.ts`).
 *
 * @example
 * ```ts
 * const io: IoRecord = { parameters: { n: '4' }, values: { n: 4 }, artifacts: { data: { store: 'file:///', key: 'runs/x/steps/a/workdir/data', path: '/runs/x/steps/a/workdir/data' } } }
 * ```
 */
export interface IoRecord {
  readonly parameters: Readonly<Record<string, string>>
  readonly values: Readonly<Record<string, unknown>>
  /** Where each artifact lives (a store and a key, `.path` when it is on this machine); null for an omitted optional one. */
  readonly artifacts: Readonly<Record<string, ArtifactLocation | null>>
  /** Large parameters: their digest (`sha256:<hex>`, the file `values/<hex>`). */
  readonly stored?: Readonly<Record<string, string>>
}

/** An empty {@link IoRecord}. */
export const EMPTY_IO: IoRecord = Object.freeze({ parameters: {}, values: {}, artifacts: {} })

/**
 * The workflow outputs of a run, as its record keeps them.
 *
 * @example
 * ```ts
 * const o: WorkflowOutputsRecord = { parameters: { greeting: 'hello world' }, artifacts: { report: { store: 'file:///runs/r/artifacts', key: 'gen/report' } } }
 * ```
 */
export interface WorkflowOutputsRecord {
  readonly parameters: Readonly<Record<string, string>>
  readonly artifacts: Readonly<Record<string, ArtifactLocation | null>>
}

/**
 * The run as a whole, stored in `workflow.json`.
 *
 * @example
 * ```json
 * { "name": "steps", "id": "steps-20261125-104512-3f9a", "status": "Succeeded", "parameters": {},
 *   "pid": 4242, "pidStartTime": "1234567", "host": "node-1" }
 * ```
 */
export interface WorkflowRecord extends DriverIdentity {
  readonly name: string
  readonly id: string
  readonly status: Phase
  readonly startedAt: string
  readonly finishedAt?: string
  readonly message?: string
  readonly parameters: Readonly<Record<string, string>>
  /** Large parameters (over 4096 characters): their digest in the run's `values/` folder. */
  readonly storedParameters?: Readonly<Record<string, string>>
  /** When the run was restarted (`dflow restart`), each time: its earlier drivers had stopped. */
  readonly restarts?: readonly string[]
  /**
   * The workflow outputs (Argo's `status.outputs`): what the steps exported with `global: NAME` on an output,
   * the last to succeed winning — parameters as wire strings, artifacts as locations. Written when the run ends.
   */
  readonly outputs?: WorkflowOutputsRecord
  /**
   * Set when the file says the run is not finished but its driver is gone (killed, or stopped by a full
   * disk): the run reads as Failed, with a message saying when and with which steps running. Never
   * written: `openRun` (and `dflow status`) work it out from the driver's pid, start time and host.
   */
  readonly interrupted?: true
}
