import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { DflowError } from 'dflow-ts'
import {
  BATCH_SYSTEMS,
  fromDpdispatcher,
  machineContext,
  sshContext,
  type BatchOptions,
  type BatchSystem,
  type Context,
  type DispatcherConfig,
  type SshConfig,
} from '../dispatcher/index.ts'
import { parseEndpoint } from '../dispatcher/context/ssh/config.ts'

/** The options of `dflow run` that run it as batch jobs (parseArgs specs). @example parseArgs({ options: { ...DISPATCH_OPTIONS } }) */
export const DISPATCH_OPTIONS = {
  on: { type: 'string' },
  ssh: { type: 'string' },
  'ssh-key': { type: 'string', multiple: true },
  'ssh-jump': { type: 'string' },
  'known-hosts': { type: 'string' },
  'remote-root': { type: 'string' },
  partition: { type: 'string' },
  queue: { type: 'string' },
  machine: { type: 'string' },
  resources: { type: 'string' },
} as const

/** Their help lines, for `dflow run --help`. @example console.log(`Options: …${DISPATCH_HELP}`) */
export const DISPATCH_HELP = `
Batch jobs (the dispatcher: every leaf step a job; same run folder and queries):
  --on SYSTEM              slurm, pbs, lsf, sge or shell
  --ssh USER@HOST[:PORT]   submit on this login node over SSH (default: this machine)
  --ssh-key FILE           private key (repeatable; default: the agent and ~/.ssh/id_*)
  --ssh-jump USER@HOST[:PORT]  through this jump host
  --known-hosts FILE       host keys to trust (default: ~/.ssh/known_hosts)
  --remote-root DIR        folder on the login node runs go under (absolute; needed with --ssh)
  --partition NAME, --queue NAME   the partition (Slurm) or queue of every job
  --machine FILE           a DPDispatcher machine dict (JSON or YAML): batch_type, context, remote_root
  --resources FILE         a DPDispatcher resources dict: nodes, cpus, gpus, queue, group_size, para_deg, …`

type Values = { readonly [K in keyof typeof DISPATCH_OPTIONS]?: (typeof DISPATCH_OPTIONS)[K] extends { multiple: true } ? string[] : string }

/** What `--on` and its friends make: the dispatcher's settings, and how to close the connection it opened. @example const d: Dispatch = { config: { batch: slurm }, close: async () => {} } */
export interface Dispatch {
  readonly config: Omit<DispatcherConfig, 'runsDir' | 'onEvent'>
  readonly close: () => Promise<void>
}

const readDict = (file: string, option: string): unknown => {
  try {
    return parseYaml(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new DflowError([{ path: [option], message: `cannot read ${file}: ${(e as Error).message}` }])
  }
}

/**
 * The dispatcher's settings from `dflow run`'s options, or undefined when none asks for batch jobs (the run is
 * local); a usage error as a string.
 *
 * @example
 * ```ts
 * dispatchFrom({ on: 'slurm', ssh: 'me@login:22', 'remote-root': '/scratch/me/dflow', partition: 'debug' })
 * // { config: { batch: slurm, context: <ssh>, options: { partition: 'debug' } }, close }
 * ```
 */
export const dispatchFrom = (values: Values): Dispatch | string | undefined => {
  const given = (Object.keys(DISPATCH_OPTIONS) as (keyof Values)[]).filter((k) => values[k] !== undefined)
  if (given.length === 0) return undefined
  if (values.on === undefined && values.machine === undefined) return `--${given[0]} needs --on SYSTEM (slurm, pbs, lsf, sge, shell) or --machine FILE`
  if (values.on !== undefined && !(values.on in BATCH_SYSTEMS)) return `--on takes one of ${Object.keys(BATCH_SYSTEMS).join(', ')}, got "${values.on}"`
  if (values.partition !== undefined && values.queue !== undefined) return '--partition and --queue are one setting: give one'
  if (values.ssh !== undefined && values.machine !== undefined) return '--ssh and --machine both say where jobs run: give one'
  try {
    const machine = values.machine === undefined ? undefined : (readDict(values.machine, '--machine') as Record<string, unknown>)
    const resources = values.resources === undefined ? undefined : readDict(values.resources, '--resources')
    const dp = machine || resources ? fromDpdispatcher(machine ?? { batch_type: values.on }, resources ?? { group_size: 1 }) : undefined
    const system: BatchSystem = BATCH_SYSTEMS[(values.on ?? dp!.system) as BatchSystem['name']]
    let context: Context | undefined
    if (values.ssh !== undefined) {
      if (values['remote-root'] === undefined || !values['remote-root'].startsWith('/')) return '--ssh needs --remote-root DIR, an absolute folder on the login node'
      const e = parseEndpoint(values.ssh, '--ssh')
      const config: SshConfig = {
        ...e,
        root: values['remote-root'],
        ...(values['ssh-key']?.length ? { auth: { keys: values['ssh-key'] } } : {}),
        ...(values['ssh-jump'] ? { jump: values['ssh-jump'] } : {}),
        ...(values['known-hosts'] ? { knownHosts: values['known-hosts'] } : {}),
      }
      context = sshContext(config)
    } else if (machine && dp?.context.type === 'ssh') {
      const m = machineContext(machine)
      if (m.kind === 'ssh')
        context = sshContext({
          ...m.config,
          ...(values['remote-root'] ? { root: values['remote-root'] } : {}),
          ...(values['ssh-key']?.length ? { auth: { keys: values['ssh-key'] } } : {}),
          ...(values['known-hosts'] ? { knownHosts: values['known-hosts'] } : {}),
        })
    } else if (values['ssh-key'] || values['ssh-jump'] || values['known-hosts']) return `--${values['ssh-key'] ? 'ssh-key' : values['ssh-jump'] ? 'ssh-jump' : 'known-hosts'} needs --ssh USER@HOST[:PORT]`
    const options: BatchOptions | undefined = values.partition !== undefined ? { partition: values.partition } : values.queue !== undefined ? { queue: values.queue } : undefined
    return {
      config: {
        batch: system,
        ...(context ? { context } : {}),
        ...(options ? { options } : {}),
        ...(dp ? { shape: dp.shape, politeness: { callsPerJob: dp.callsPerJob, parallelInJob: dp.parallelInJob, arrays: dp.arrays, ...(dp.submitsPerSecond ? { submitsPerSecond: dp.submitsPerSecond } : {}) } } : {}),
      },
      close: async () => {
        await context?.close()
      },
    }
  } catch (e) {
    if (e instanceof DflowError) return e.message
    throw e
  }
}
