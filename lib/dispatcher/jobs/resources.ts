import { DflowError, problem, type Problem } from '../../../dsl/problem.ts'
import type { ContainerOptions } from '../../../dsl/template.ts'
import { BATCH_JOB_KEYS, type BatchJobOptions } from '../../../dsl/batch.ts'
import type { BatchResources } from '../batch/types.ts'
import type { JobShape } from './types.ts'

/**
 * Batch settings of a queue, a template or a step (later layers win; `header`, `modules` add up, `env` merges).
 * `partition` and `queue` are one setting (Slurm says partition, the others queue); `walltime` is seconds or
 * `[D-]HH:MM:SS` and replaces the one derived from the timeout.
 *
 * @example
 * ```ts
 * const o: BatchOptions = { partition: 'gpu', nodes: 1, walltime: '02:00:00', header: ['#SBATCH --account=chem'], modules: ['cuda/12'], env: { OMP_NUM_THREADS: '4' }, pre: 'nvidia-smi', post: 'date' }
 * ```
 */
export type BatchOptions = BatchJobOptions

const KEYS: ReadonlySet<string> = new Set(BATCH_JOB_KEYS)

/**
 * A Kubernetes CPU quantity as whole CPUs, rounded up (`500m` → 1, `2` → 2), or undefined when it is not one.
 *
 * @example
 * ```ts
 * cpusOf('1500m') // 2
 * ```
 */
export const cpusOf = (q: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)(m?)\s*$/.exec(q)
  if (!m) return undefined
  const n = Number(m[1]) / (m[2] ? 1000 : 1)
  return n > 0 ? Math.ceil(n) : undefined
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
}

/**
 * A Kubernetes memory quantity as MiB, rounded up (`2Gi` → 2048, `1G` → 954, `512Mi` → 512), or undefined.
 *
 * @example
 * ```ts
 * mebibytesOf('2Gi') // 2048
 * ```
 */
export const mebibytesOf = (q: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)(k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?\s*$/.exec(q)
  if (!m) return undefined
  const bytes = Number(m[1]) * UNITS[m[2] ?? '']!
  return bytes > 0 ? Math.ceil(bytes / 2 ** 20) : undefined
}

/**
 * Seconds of a walltime: a number, or `HH:MM:SS`, `MM:SS`, `D-HH:MM:SS` (Slurm's forms).
 *
 * @example
 * ```ts
 * walltimeSeconds('1-02:00:00') // 93600
 * ```
 */
export const walltimeSeconds = (w: number | string): number | undefined => {
  if (typeof w === 'number') return Number.isInteger(w) && w > 0 ? w : undefined
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(w.trim())
  if (!m) return undefined
  const s = Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4])
  return s > 0 ? s : undefined
}

/** What {@link jobShape} maps: a template's Kubernetes `resources` and the batch settings, queue's first. @example const i: ShapeInput = { resources: { limits: { cpu: '4' } }, options: [{ partition: 'debug' }] } */
export interface ShapeInput {
  readonly resources?: ContainerOptions['resources']
  /** Layers of batch settings, the least specific first (queue, template, step). */
  readonly options?: readonly (BatchOptions | undefined)[]
}

/**
 * The one mapping from a template's `resources` (`cpu`, `memory`, `nvidia.com/gpu`; limits, else requests —
 * a batch allocation is both) and the batch settings to a job's shape, which each batch system renders in its
 * own words (Slurm `--cpus-per-task`/`--mem`/`--gres=gpu:`/`--time`/`--partition`, SGE `-pe`/`h_vmem`/`h_rt`/
 * `-q`, PBS `select=…:ncpus:mem:ngpus`, LSF `-n`/`-M`/`-gpu`/`-W`). The timeout is not a walltime here: the
 * queue derives the walltime from its calls' timeouts. Problems name the field: an unknown resource or
 * setting, a quantity that is not one.
 *
 * @example
 * ```ts
 * jobShape({ resources: { limits: { cpu: '4', memory: '2Gi', 'nvidia.com/gpu': '1' } }, options: [{ partition: 'gpu' }] })
 * // { resources: { cpus: 4, memoryMiB: 2048, gpus: 1 }, queue: 'gpu' }
 * ```
 */
export const jobShape = (input: ShapeInput): JobShape => {
  const problems: Problem[] = []
  const res: { cpus?: number; memoryMiB?: number; gpus?: number; walltimeSeconds?: number } = {}
  for (const side of ['requests', 'limits'] as const)
    for (const [k, v] of Object.entries(input.resources?.[side] ?? {})) {
      const path = ['resources', side, k]
      const parsed = k === 'cpu' ? cpusOf(v) : k === 'memory' ? mebibytesOf(v) : k === 'nvidia.com/gpu' ? (/^\d+$/.test(v.trim()) ? Number(v) : undefined) : null
      if (parsed === null) problems.push(problem(path, `the batch systems know no resource ${JSON.stringify(k)}`, 'use cpu, memory or nvidia.com/gpu; ask for anything else with a header line (batch header)'))
      else if (parsed === undefined) problems.push(problem(path, `${JSON.stringify(v)} is not a ${k === 'cpu' ? 'CPU' : k === 'memory' ? 'memory' : 'GPU'} quantity`, k === 'memory' ? 'write it like 512Mi or 2Gi' : k === 'cpu' ? 'write it like 2 or 500m' : 'write a whole number'))
      else if (side === 'limits' || input.resources?.limits?.[k] === undefined) {
        // limits win over requests for the same resource
        if (k === 'cpu') res.cpus = parsed
        else if (k === 'memory') res.memoryMiB = parsed
        else if (parsed > 0) res.gpus = parsed
      }
    }
  const merged: { queue?: string; nodes?: number; header: string[]; modules: string[]; env: Record<string, string>; pre: string[]; post: string[] } = { header: [], modules: [], env: {}, pre: [], post: [] }
  for (const [i, o] of (input.options ?? []).entries()) {
    if (!o) continue
    for (const k of Object.keys(o)) if (!KEYS.has(k)) problems.push(problem(['batch', String(i), k], `unknown batch setting ${JSON.stringify(k)}`, `use one of ${[...KEYS].join(', ')}`))
    if (o.partition !== undefined && o.queue !== undefined && o.partition !== o.queue)
      problems.push(problem(['batch', String(i), 'queue'], `partition ${JSON.stringify(o.partition)} and queue ${JSON.stringify(o.queue)} differ`, 'they are one setting: give one'))
    const q = o.partition ?? o.queue
    if (q !== undefined) merged.queue = q
    if (o.nodes !== undefined) merged.nodes = o.nodes
    if (o.walltime !== undefined) {
      const w = walltimeSeconds(o.walltime)
      if (w === undefined) problems.push(problem(['batch', String(i), 'walltime'], `walltime ${JSON.stringify(o.walltime)} is not a duration`, 'give seconds, or HH:MM:SS, or D-HH:MM:SS'))
      else res.walltimeSeconds = w
    }
    merged.header.push(...(o.header ?? []))
    merged.modules.push(...(o.modules ?? []))
    Object.assign(merged.env, o.env ?? {})
    if (o.pre !== undefined) merged.pre.push(o.pre)
    if (o.post !== undefined) merged.post.push(o.post)
  }
  if (problems.length > 0) throw new DflowError(problems)
  const resources: BatchResources = res
  return {
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(merged.queue !== undefined ? { queue: merged.queue } : {}),
    ...(merged.nodes !== undefined ? { nodes: merged.nodes } : {}),
    ...(merged.header.length > 0 ? { header: merged.header } : {}),
    ...(merged.modules.length > 0 ? { modules: merged.modules } : {}),
    ...(Object.keys(merged.env).length > 0 ? { env: merged.env } : {}),
    ...(merged.pre.length > 0 ? { pre: merged.pre.join('\n') } : {}),
    ...(merged.post.length > 0 ? { post: merged.post.join('\n') } : {}),
  }
}
