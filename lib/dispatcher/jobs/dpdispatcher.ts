import { DflowError, problem, type Problem } from '../../../dsl/problem.ts'
import type { BatchSystem } from '../batch/types.ts'
import { shellQuote } from '../batch/shell-quote.ts'
import { jobShape, type BatchOptions } from './resources.ts'
import type { JobShape } from './types.ts'

/** Where the jobs are submitted from: this machine, or a login node over SSH (for the SSH context to connect with). @example { type: 'ssh', host: 'login01', user: 'alice', port: 22 } */
export type DpContext =
  | { readonly type: 'local' }
  | { readonly type: 'ssh'; readonly host: string; readonly user: string; readonly port?: number; readonly keyFile?: string; readonly timeoutSeconds?: number }

/**
 * What DPDispatcher's `machine` and `resources` dicts say, in this project's terms: the batch system, whether to
 * use arrays (`SlurmJobArray`), the context, the roots, the retries, the packing (`group_size` → `callsPerJob`,
 * 0 meaning all in one job; `para_deg` → `parallelInJob`), the submit spacing (`wait_time`) and the jobs' shape.
 *
 * @example
 * ```ts
 * const c: DpConfig = { system: 'slurm', arrays: false, context: { type: 'local' }, callsPerJob: 2, parallelInJob: 1, shape: { queue: 'debug' } }
 * ```
 */
export interface DpConfig {
  readonly system: BatchSystem['name']
  readonly arrays: boolean
  readonly context: DpContext
  readonly localRoot?: string
  readonly remoteRoot?: string
  readonly retryCount?: number
  readonly callsPerJob: number
  readonly parallelInJob: number
  readonly submitsPerSecond?: number
  readonly shape: JobShape
}

const BATCH: Readonly<Record<string, { system: BatchSystem['name']; arrays: boolean }>> = {
  slurm: { system: 'slurm', arrays: false },
  slurmjobarray: { system: 'slurm', arrays: true },
  pbs: { system: 'pbs', arrays: false },
  sge: { system: 'sge', arrays: false },
  lsf: { system: 'lsf', arrays: false },
  shell: { system: 'shell', arrays: false },
}

type Dict = Readonly<Record<string, unknown>>
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Maps DPDispatcher's `machine` and `resources` dicts (reference/dispatcher.md §1.2–1.3) where they have a
 * meaning here. Every key it does not take is an error naming the key and saying what to use instead
 * (a password in the dict, `proxy_command`, a customised header template, `ratio_unfinished`, per-system
 * `kwargs`, batch types without an implementation such as Torque or Fugaku).
 *
 * @example
 * ```ts
 * fromDpdispatcher(
 *   { batch_type: 'Slurm', context_type: 'LazyLocalContext', local_root: './' },
 *   { number_node: 1, cpu_per_node: 4, gpu_per_node: 1, queue_name: 'gpu', group_size: 5, para_deg: 2, custom_flags: ['#SBATCH --account=chem'] },
 * ).callsPerJob // 5
 * ```
 */
export const fromDpdispatcher = (machine: unknown, resources: unknown): DpConfig => {
  const out: Problem[] = []
  const bad = (path: readonly string[], message: string, hint?: string) => out.push(problem(path, message, hint))
  const m: Dict = isDict(machine) ? machine : (bad(['machine'], 'the machine dict is not an object'), {})
  const r: Dict = isDict(resources) ? resources : (bad(['resources'], 'the resources dict is not an object'), {})
  const str = (d: Dict, path: readonly string[], k: string): string | undefined => {
    const v = d[k]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') return void bad([...path, k], `${k} must be a string, got ${JSON.stringify(v)}`)
    return v
  }
  const int = (d: Dict, path: readonly string[], k: string, min: number): number | undefined => {
    const v = d[k]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return void bad([...path, k], `${k} must be a whole number ≥ ${min}, got ${JSON.stringify(v)}`)
    return v
  }
  const lines = (d: Dict, path: readonly string[], k: string): string[] => {
    const v = d[k]
    if (v === undefined || v === null) return []
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return (bad([...path, k], `${k} must be a list of strings`), [])
    return v as string[]
  }

  // ---- machine
  const M = ['machine']
  const MACHINE_KEYS = new Set(['batch_type', 'context_type', 'local_root', 'remote_root', 'clean_asynchronously', 'retry_count', 'remote_profile'])
  for (const k of Object.keys(m)) if (!MACHINE_KEYS.has(k)) bad([...M, k], `unknown machine key ${JSON.stringify(k)}`, `use one of ${[...MACHINE_KEYS].join(', ')}`)
  const bt = str(m, M, 'batch_type')
  const batch = bt === undefined ? (bad([...M, 'batch_type'], 'batch_type is required'), BATCH['shell']!) : BATCH[bt.toLowerCase()]
  if (bt !== undefined && !batch) bad([...M, 'batch_type'], `batch type ${JSON.stringify(bt)} has no implementation here`, 'use Slurm, SlurmJobArray, PBS, SGE, LSF or Shell')
  const ct = (str(m, M, 'context_type') ?? 'local').toLowerCase().replace(/context$/, '')
  const profile: Dict = isDict(m['remote_profile']) ? m['remote_profile'] : {}
  const P = [...M, 'remote_profile']
  const PROFILE_KEYS = new Set(['hostname', 'username', 'port', 'key_filename', 'timeout', 'look_for_keys', 'tar_compress', 'symlink'])
  const REFUSED: Readonly<Record<string, string>> = {
    password: 'give the password in an environment variable to the SSH context, never in a file',
    passphrase: 'give the key passphrase in an environment variable to the SSH context, never in a file',
    totp_secret: 'two-factor logins are not supported: use a key',
    proxy_command: 'give the jump host to the SSH context (user@host[:port])',
    execute_command: 'put start-up commands in the pre script (resources.prepend_script)',
  }
  for (const k of Object.keys(profile))
    if (REFUSED[k]) bad([...P, k], `remote_profile.${k} is not taken`, REFUSED[k])
    else if (!PROFILE_KEYS.has(k)) bad([...P, k], `unknown remote_profile key ${JSON.stringify(k)}`, `use one of ${[...PROFILE_KEYS].join(', ')}`)
  let context: DpContext = { type: 'local' }
  if (ct === 'ssh') {
    const host = str(profile, P, 'hostname')
    const user = str(profile, P, 'username')
    if (!host) bad([...P, 'hostname'], 'an SSH context needs remote_profile.hostname')
    if (!user) bad([...P, 'username'], 'an SSH context needs remote_profile.username')
    const port = int(profile, P, 'port', 1)
    const keyFile = str(profile, P, 'key_filename')
    const timeout = int(profile, P, 'timeout', 1)
    context = { type: 'ssh', host: host ?? '', user: user ?? '', ...(port ? { port } : {}), ...(keyFile ? { keyFile } : {}), ...(timeout ? { timeoutSeconds: timeout } : {}) }
  } else if (ct !== 'local' && ct !== 'lazylocal') bad([...M, 'context_type'], `context type ${JSON.stringify(m['context_type'])} has no implementation here`, 'use LocalContext, LazyLocalContext or SSHContext')
  const remoteRoot = str(m, M, 'remote_root')
  const localRoot = str(m, M, 'local_root')
  const retryCount = int(m, M, 'retry_count', 0)

  // ---- resources
  const R = ['resources']
  const RES_KEYS = new Set([
    'number_node', 'cpu_per_node', 'gpu_per_node', 'queue_name', 'group_size', 'custom_flags', 'strategy', 'para_deg', 'source_list',
    'module_purge', 'module_unload_list', 'module_list', 'envs', 'prepend_script', 'append_script', 'wait_time', 'kwargs',
  ])
  for (const k of Object.keys(r)) if (!RES_KEYS.has(k)) bad([...R, k], `unknown resources key ${JSON.stringify(k)}`, `use one of ${[...RES_KEYS].join(', ')}`)
  const groupSize = int(r, R, 'group_size', 0)
  if (r['group_size'] === undefined) bad([...R, 'group_size'], 'group_size is required (DPDispatcher requires it)', 'give the calls per job; 0 puts all in one job')
  const strategy: Dict = isDict(r['strategy']) ? r['strategy'] : {}
  for (const [k, v] of Object.entries(strategy)) {
    const neutral = (k === 'if_cuda_multi_devices' && v === false) || (k === 'ratio_unfinished' && v === 0)
    if (!neutral) bad([...R, 'strategy', k], `strategy.${k} is not taken`, k === 'customized_script_header_template_file' ? 'give the header lines in custom_flags' : k === 'ratio_unfinished' ? 'use a success threshold on the fan-out (par.withOptions)' : 'set CUDA_VISIBLE_DEVICES in the step')
  }
  const kwargs: Dict = isDict(r['kwargs']) ? r['kwargs'] : {}
  for (const k of Object.keys(kwargs)) bad([...R, 'kwargs', k], `kwargs.${k} is not taken`, 'give the line it would write in custom_flags')
  const envs: Record<string, string> = {}
  if (isDict(r['envs']))
    for (const [k, v] of Object.entries(r['envs'])) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') envs[k] = String(v)
      else bad([...R, 'envs', k], `envs.${k} must be a string or number`, 'one value per variable')
    }
  const pre = [
    ...(r['module_purge'] === true ? ['module purge'] : []),
    ...lines(r, R, 'module_unload_list').map((x) => `module unload ${shellQuote(x)}`),
    ...lines(r, R, 'source_list').map((x) => `source ${shellQuote(x)}`),
    ...lines(r, R, 'prepend_script'),
  ]
  const post = lines(r, R, 'append_script')
  const cpus = int(r, R, 'cpu_per_node', 1)
  const gpus = int(r, R, 'gpu_per_node', 0)
  const nodes = int(r, R, 'number_node', 1)
  const queue = str(r, R, 'queue_name')
  const waitTime = r['wait_time']
  if (waitTime !== undefined && (typeof waitTime !== 'number' || waitTime < 0)) bad([...R, 'wait_time'], 'wait_time must be a number of seconds ≥ 0')
  const para = int(r, R, 'para_deg', 1)
  const modules = lines(r, R, 'module_list')
  const header = lines(r, R, 'custom_flags')
  if (out.length > 0) throw new DflowError(out)

  const options: BatchOptions = {
    ...(queue ? { queue } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
    ...(header.length ? { header } : {}),
    ...(modules.length ? { modules } : {}),
    ...(Object.keys(envs).length ? { env: envs } : {}),
    ...(pre.length ? { pre: pre.join('\n') } : {}),
    ...(post.length ? { post: post.join('\n') } : {}),
  }
  const limits: Record<string, string> = { ...(cpus ? { cpu: String(cpus) } : {}), ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}) }
  return {
    system: batch!.system,
    arrays: batch!.arrays,
    context,
    ...(localRoot !== undefined ? { localRoot } : {}),
    ...(remoteRoot !== undefined ? { remoteRoot } : {}),
    ...(retryCount !== undefined ? { retryCount } : {}),
    callsPerJob: groupSize === 0 || groupSize === undefined ? Infinity : groupSize,
    parallelInJob: para ?? 1,
    ...(typeof waitTime === 'number' && waitTime > 0 ? { submitsPerSecond: 1 / waitTime } : {}),
    shape: jobShape({ resources: { limits }, options: [options] }),
  }
}
