import { DflowError, problem } from './problem.ts'
import type { IoSpec } from './io.ts'
import { outputPathsOf, refsOf, type OutputPathsOf, type RefsOf } from './refs.ts'
import type { Lang, Script } from './script/script.ts'
import { envNameOf, scalarsOf } from './script/script.ts'
import { DEFAULT_COMMAND } from './script/renderers.ts'
import type { FailurePolicy } from './retry.ts'
import type { BatchSettings } from './batch.ts'
import type { CachePolicy } from './cache.ts'

/**
 * What a leaf step needs from the machine that runs it. The local interpreter uses `env`; the Argo
 * compiler emits all of it; the dispatcher maps resources to its batch system. Fields are passed through
 * as Kubernetes spells them.
 *
 * @example
 * ```ts
 * shell({ name: 'train', image: 'pytorch:2', resources: { limits: { 'nvidia.com/gpu': '1' } }, script: () => sh`python train.py` })
 * ```
 */
export interface ContainerOptions {
  readonly image?: string
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'
  /** Plain environment variables (values are data, not shell text). */
  readonly env?: Readonly<Record<string, string>>
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>
    readonly limits?: Readonly<Record<string, string>>
  }
  readonly nodeSelector?: Readonly<Record<string, string>>
  readonly tolerations?: readonly Readonly<Record<string, unknown>>[]
  readonly affinity?: Readonly<Record<string, unknown>>
  readonly volumes?: readonly Readonly<Record<string, unknown>>[]
  readonly mounts?: readonly Readonly<Record<string, unknown>>[]
  readonly serviceAccount?: string
  readonly labels?: Readonly<Record<string, string>>
  readonly annotations?: Readonly<Record<string, string>>
  /**
   * Local folders shipped with the step (seed 3.2.4's "upload packages"): each folder's parent goes on
   * NODE_PATH and PYTHONPATH locally; on Argo each is an input artifact (placed by the compile option
   * `localArtifact`) under `/tmp/dflow/packages`, which goes on NODE_PATH and PYTHONPATH.
   */
  readonly packages?: readonly string[]
  /**
   * Run each call as a batch job (Slurm, PBS, LSF, SGE, shell) when the interpreter can hand it to the
   * dispatcher; see {@link BatchSettings}. On Argo a pod is the job, unless the compile options give `batchPods(…)`.
   */
  readonly batch?: BatchSettings
}

/**
 * A leaf template: a script in some language run by an interpreter command, with declared inputs and
 * outputs. Built by {@link shell} or {@link script}.
 *
 * @example
 * ```ts
 * const hello: ScriptTemplate = shell({ name: 'hello', script: () => sh`echo hi` })
 * hello.command  // ['sh']
 * ```
 */
export interface ScriptTemplate<I extends IoSpec = IoSpec, O extends IoSpec = IoSpec> extends ContainerOptions, FailurePolicy, CachePolicy {
  readonly _tag: 'ScriptTemplate'
  readonly name: string
  readonly inputs: I
  readonly outputs: O
  readonly source: Script
  readonly command: readonly string[]
}

/**
 * The fields of {@link script}. `source` receives references to the inputs and the paths of the outputs.
 *
 * @example
 * ```ts
 * const f: ScriptFields<{}, {}> = { name: 'hello', source: () => py`print('hi')` }
 * script(f)
 * ```
 */
export interface ScriptFields<I extends IoSpec, O extends IoSpec> extends ContainerOptions, FailurePolicy, CachePolicy {
  readonly name: string
  readonly inputs?: I
  readonly outputs?: O
  /** The interpreter: default `['sh']` for `` sh`…` `` and `['python3']` for `` py`…` ``. */
  readonly command?: readonly string[]
  readonly source: (inputs: RefsOf<I>, outputs: OutputPathsOf<O>) => Script
}

const identity = (v: unknown): string => {
  const o = v as { _tag: string; name: string }
  return `${o._tag}:${o.name}`
}

const checkEnvNames = (name: string, source: Script): void => {
  const seen = new Map<string, unknown>()
  const problems = scalarsOf(source).flatMap((v, i) => {
    if (typeof v !== 'object') return []
    const env = envNameOf(v, `lit${i}`)
    const prev = seen.get(env)
    seen.set(env, v)
    const same = prev !== undefined && identity(prev) === identity(v)
    return prev === undefined || same
      ? []
      : [problem(['templates', name], `two holes map to the environment variable ${env}`, 'rename one of the inputs or outputs: names differing only in "-" and "_" collide')]
  })
  if (problems.length) throw new DflowError(problems)
}

/**
 * A leaf template running a script in any language (`` sh`…` `` or `` py`…` ``).
 *
 * @example
 * ```ts
 * const gen = script({
 *   name: 'gen', image: 'python:3.12',
 *   outputs: { n: param(t.number, { path: 'n.txt' }) },
 *   source: (_, out) => py`open(${out.n}, "w").write(str(6 * 7))`,
 * })
 * ```
 */
export const script = <I extends IoSpec = {}, O extends IoSpec = {}>(fields: ScriptFields<I, O>): ScriptTemplate<I, O> => {
  const inputs = (fields.inputs ?? {}) as I
  const outputs = (fields.outputs ?? {}) as O
  const source = fields.source(refsOf(inputs, { kind: 'input' }), outputPathsOf(outputs))
  checkEnvNames(fields.name, source)
  const { source: _s, inputs: _i, outputs: _o, command, ...rest } = fields
  return Object.freeze({
    ...rest,
    _tag: 'ScriptTemplate' as const,
    inputs,
    outputs,
    source,
    command: Object.freeze([...(command ?? DEFAULT_COMMAND[source.lang as Lang])]),
  })
}

/**
 * The fields of {@link shell}: those of {@link script} with the script given as `script`.
 *
 * @example
 * ```ts
 * const f: ShellFields<{}, {}> = { name: 'hello', script: () => sh`echo hi` }
 * shell(f)
 * ```
 */
export interface ShellFields<I extends IoSpec, O extends IoSpec> extends Omit<ScriptFields<I, O>, 'source'> {
  readonly script: (inputs: RefsOf<I>, outputs: OutputPathsOf<O>) => Script
}

/**
 * A leaf template running a `` sh`…` `` script (with `sh` unless `command` says otherwise).
 *
 * @example
 * ```ts
 * const hello = shell({
 *   name: 'hello', image: 'alpine:3.20',
 *   outputs: { msg: param(t.number, { path: 'result.txt' }), bar: artifact({ path: 'bar.txt' }) },
 *   script: () => sh`echo Hello > bar.txt && echo 1 > result.txt`,
 * })
 * ```
 */
export const shell = <I extends IoSpec = {}, O extends IoSpec = {}>(fields: ShellFields<I, O>): ScriptTemplate<I, O> => {
  const { script: body, ...rest } = fields
  return script({ ...rest, source: body })
}
