import { DflowError, problem, type BatchSettings, type ScriptTemplate } from 'dflow-ts'
import type { ArgoTemplate } from './manifest.ts'
import type { Executor } from './options.ts'
import { POD_BATCH_COMMANDS, type PodBatchSystemName } from './batch-pod-systems.ts'

/** A batch job as a batch system renders it (the dispatcher's `BatchJob` has these fields). @example { name: 'dflow-relax', command: 'sh step', workDir: '/scratch/r/job' } */
export interface PodBatchJob {
  readonly name: string
  readonly command: string
  readonly workDir: string
  readonly queue?: string
  readonly nodes?: number
  readonly header?: readonly string[]
  readonly modules?: readonly string[]
  readonly env?: Readonly<Record<string, string>>
  readonly resources?: { readonly cpus?: number; readonly memoryMiB?: number; readonly gpus?: number; readonly walltimeSeconds?: number }
  readonly pre?: string
  readonly post?: string
}

/** What a job is asked for beyond its command (queue, nodes, resources, header lines, modules, env, pre/post). @example { queue: 'debug', resources: { cpus: 4 } } */
export type PodJobShape = Omit<PodBatchJob, 'name' | 'command' | 'workDir'>

/**
 * What the pod hook needs of a batch system: the dispatcher's batch systems (`slurm`, `sge`, `pbs`, `lsf`,
 * `shell` of lib/dispatcher/batch) fit as they are; the composition passes them in (lib/argo imports no
 * other interpreter).
 *
 * @example
 * ```ts
 * import { slurm } from 'lib/dispatcher/batch'
 * batchPods({ systems: { slurm }, … })
 * ```
 */
export interface PodBatchSystem {
  readonly name: PodBatchSystemName
  readonly render: (job: PodBatchJob) => string
  readonly submit: (scriptPath: string, job: PodBatchJob) => { readonly argv: readonly string[] }
  readonly cancel: (ids: readonly string[]) => { readonly argv: readonly string[] }
}

/**
 * A template's request to run as a batch job: its `batch` field, the DSL's {@link BatchSettings} (one meaning
 * for the dispatcher and for batch pods).
 *
 * @example
 * ```ts
 * const b: TemplateBatch = { system: 'slurm', partition: 'debug', walltime: 3600, header: ['#SBATCH --account=chem'] }
 * ```
 */
export type TemplateBatch = BatchSettings

/**
 * Settings of the batch pods (dflow's DispatcherExecutor): the pod's image, the login node and the secret that
 * holds the SSH key, where the jobs live there, how artifacts move, and how often the pod polls.
 *
 * @example
 * ```ts
 * const o: BatchPodOptions = {
 *   systems: { slurm }, image: 'debian-ssh:12', remoteRoot: '/home/hpcuser/dflow',
 *   ssh: { host: 'login.hpc.example.org', user: 'hpcuser', secret: 'hpc-ssh' },
 * }
 * ```
 */
export interface BatchPodOptions {
  readonly systems: Partial<Record<PodBatchSystemName, PodBatchSystem>>
  /** The system of a `batch` field that names none. */
  readonly system?: PodBatchSystemName
  /**
   * The job's shape from the template (its `batch` field and Kubernetes resources). Default: the `batch` field's
   * own settings, a walltime in seconds only. The dispatcher's `jobShape` (which also maps `cpu`, `memory` and
   * `nvidia.com/gpu` and reads text walltimes) fits: `shape: (t) => jobShape({ resources: t.resources, options: [batchOf(t)] })`.
   */
  readonly shape?: (template: ScriptTemplate) => PodJobShape
  /** The pod's image: it needs bash, ssh (the OpenSSH client), tar and awk. */
  readonly image: string
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never'
  readonly ssh: {
    readonly host: string
    readonly port?: number
    readonly user: string
    /** A Kubernetes secret with the private key and the login node's known_hosts line(s); mounted read-only (mode 0400) at `mountPath`. */
    readonly secret: string
    /** Where the secret is mounted in the pod. Default `/etc/dflow-batch-ssh`. */
    readonly mountPath?: string
    /** The secret's item with the key. Default `ssh-privatekey` (a `kubernetes.io/ssh-auth` secret's). */
    readonly keyItem?: string
    /** The secret's item with known_hosts. Default `known_hosts`. */
    readonly knownHostsItem?: string
  }
  /** An absolute folder on the login node; each step's files go to `remoteRoot/WORKFLOW/POD`. */
  readonly remoteRoot: string
  /**
   * How files move: `tar` (default) sends the pod's /tmp — inputs, the step's script, its environment — as one
   * tar stream over SSH, and brings back the declared outputs the same way; `shared` copies them in the pod
   * to `remoteRoot`, which the template must mount from a filesystem the cluster shares (no file crosses SSH).
   */
  readonly artifacts?: 'tar' | 'shared'
  /** The pod's poll: first wait, growth per poll, longest wait, in seconds. Default 2, 1.5, 60. */
  readonly poll?: { readonly initialSeconds?: number; readonly factor?: number; readonly maxSeconds?: number }
}

/** The job shape of a `batch` field by itself (no resource mapping): a text walltime needs `BatchPodOptions.shape`. */
const defaultShape = (b: TemplateBatch, path: readonly string[]): PodJobShape => {
  if (typeof b.walltime === 'string') throw new DflowError([problem([...path, 'walltime'], `walltime ${JSON.stringify(b.walltime)} is text`, 'give seconds, or pass batchPods({ shape }) with the dispatcher\'s jobShape, which reads HH:MM:SS')])
  const q = b.partition ?? b.queue
  return {
    ...(q !== undefined ? { queue: q } : {}),
    ...(b.nodes !== undefined ? { nodes: b.nodes } : {}),
    ...(b.walltime !== undefined ? { resources: { walltimeSeconds: b.walltime } } : {}),
    ...(b.header ? { header: b.header } : {}),
    ...(b.modules ? { modules: b.modules } : {}),
    ...(b.env ? { env: b.env } : {}),
    ...(b.pre !== undefined ? { pre: b.pre } : {}),
    ...(b.post !== undefined ? { post: b.post } : {}),
  }
}

/** The `batch` field of a script template, when it has one. @example batchOf(relax)?.system // 'slurm' */
export const batchOf = (t: ScriptTemplate): TemplateBatch | undefined => t.batch

const MOUNT = '/etc/dflow-batch-ssh'
const VOLUME = 'dflow-batch-ssh'
const SAFE_PATH = /^\/[A-Za-z0-9_./-]*$/
const word = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
const heredoc = (file: string, text: string, tag: string): string => `cat >${file} <<'${tag}'\n${text.replace(/\n?$/, '\n')}${tag}`

/** The declared outputs of a template under /tmp, relative to / (what the pod brings back). */
const outputPaths = (t: ArgoTemplate): string[] =>
  [...(t.outputs?.parameters ?? []).map((p) => (p as { valueFrom?: { path?: string } }).valueFrom?.path), ...(t.outputs?.artifacts ?? []).map((a) => (a as { path?: string }).path)]
    .filter((p): p is string => typeof p === 'string' && p.startsWith('/tmp/'))
    .map((p) => p.slice(1))

/** What runs on the login node: submit, poll, cancel, outputs, logs (one SSH exec each). */
const remoteScript = (system: PodBatchSystem, job: PodBatchJob, remote: string, outputs: readonly string[]): string => {
  const c = POD_BATCH_COMMANDS[system.name]
  const submit = system.submit(`${remote}/tmp/dflow-batch/job.sh`, job).argv.map(word).join(' ')
  const cancel = system.cancel(['DFLOW_JOB_ID']).argv.map(word).join(' ').replace('DFLOW_JOB_ID', '"$id"')
  return [
    `# dflow batch pod: the login node's side (${system.name})`,
    `R=${remote}`,
    'id=${2-}',
    'case "$1" in',
    `  submit) cd "$R/job" && ${submit} | ${c.id} ;;`,
    `  poll) if [ -e "$R/step.exit" ]; then echo "exit $(cat "$R/step.exit")"; elif ${c.alive}; then echo alive; else echo gone; fi ;;`,
    `  cancel) ${cancel} ;;`,
    `  outputs) cd "$R" && for p in ${outputs.map(word).join(' ')}; do [ -e "$p" ] && echo "$p"; done | tar -cf - -T - ;;`,
    '  logs) cat "$R/step.out" 2>/dev/null; cat "$R/step.err" >&2 2>/dev/null; true ;;',
    'esac',
  ].join('\n')
}

/**
 * The job script for a work dir that holds Argo tags (`{{workflow.name}}`, which Argo fills in before the pod
 * starts): rendered for a plain stand-in folder, which the tagged one then replaces.
 */
const renderWithTags = (system: PodBatchSystem, job: PodBatchJob, remote: string): string => {
  const plain = '/dflow-batch-pod-remote-dir'
  const swap = (x: string) => x.split(remote).join(plain)
  return system.render({ ...job, workDir: swap(job.workDir), command: swap(job.command) }).split(plain).join(remote)
}

/** The pod's script: stage, submit, poll with back-off (a TERM cancels the job), fetch the outputs, exit with the step's status. */
const podScript = (o: BatchPodOptions, system: PodBatchSystem, fields: PodJobShape, t: ArgoTemplate, remote: string): string => {
  const s = t.script!
  const workDir = typeof s['workingDir'] === 'string' && s['workingDir'].startsWith('/tmp/') ? `${remote}${s['workingDir']}` : remote
  const interpreter = (s['command'] as readonly string[] | undefined ?? ['sh']).map(word).join(' ')
  const step = `cd ${workDir} && . ${remote}/tmp/dflow-batch/env && ${interpreter} ${remote}/tmp/dflow-batch/script >${remote}/step.out 2>${remote}/step.err; s=$?; echo $s >${remote}/step.exit.tmp && mv ${remote}/step.exit.tmp ${remote}/step.exit; exit $s`
  const job: PodBatchJob = { ...fields, name: `dflow-${t.name}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63), command: step, workDir: `${remote}/job` }
  const outputs = outputPaths(t)
  const env = ((s['env'] as readonly { name: string }[] | undefined) ?? []).map((e) => e.name)
  const p = { initial: o.poll?.initialSeconds ?? 2, factor: o.poll?.factor ?? 1.5, max: o.poll?.maxSeconds ?? 60 }
  const mount = o.ssh.mountPath ?? MOUNT
  const ssh = `ssh -q -i ${mount}/${o.ssh.keyItem ?? 'ssh-privatekey'} -p ${o.ssh.port ?? 22} -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${mount}/${o.ssh.knownHostsItem ?? 'known_hosts'} -o ConnectTimeout=30 ${word(`${o.ssh.user}@${o.ssh.host}`)}`
  const shared = o.artifacts === 'shared'
  return [
    '# dflow batch pod: runs this step as a batch job on a login node reached over SSH (lib/argo/batch-pod.ts)',
    'set -uo pipefail',
    `R=${remote}`,
    'S=/tmp/dflow-batch',
    `ssh_() { ${ssh} "$@"; }`,
    'log() { echo "[dflow batch] $*" >&2; }',
    'remote() { ssh_ "bash $R/tmp/dflow-batch/remote.sh $*"; }',
    `mkdir -p "$S"${workDir === remote ? '' : ` ${s['workingDir'] as string}`}`,
    heredoc('"$S/script"', String(s['source'] ?? ''), 'DFLOW_STEP_EOF'),
    heredoc('"$S/job.sh"', renderWithTags(system, job, remote), 'DFLOW_JOB_EOF'),
    heredoc('"$S/remote.sh"', remoteScript(system, job, remote, outputs), 'DFLOW_REMOTE_EOF'),
    '# the step\'s environment, its paths under /tmp moved under $R',
    `for v in ${env.join(' ')}; do val=\${!v-}; case $val in /tmp/*) val=$R$val ;; esac; printf 'export %s=%q\\n' "$v" "$val"; done >"$S/env"`,
    shared
      ? 'mkdir -p "$R/job" && tar -C / -cf - tmp | tar -xf - -C "$R" || { log "could not copy the inputs to $R"; exit 1; }'
      : 'for try in 1 2 3 4; do tar -C / -cf - tmp | ssh_ "mkdir -p $R/job && tar -xf - -C $R" && break; [ $try = 4 ] && { log "could not send the inputs to $R"; exit 1; }; sleep $((try * 2)); done',
    `id=$(remote submit) && [ -n "$id" ] || { log "${system.name} refused the job"; remote logs; exit 1; }`,
    `log "submitted ${system.name} job $id"`,
    'trap \'log "stopped: cancelling job $id"; remote cancel "$id"; exit 143\' TERM INT',
    `wait=${p.initial}; misses=0; gone=0`,
    'while :; do',
    '  sleep "$wait" & wait $!',
    '  st=$(remote poll "$id") || { misses=$((misses + 1)); [ $misses -lt 20 ] && continue; log "the login node did not answer 20 polls in a row"; exit 1; }',
    '  misses=0',
    '  case $st in',
    '    exit\\ *) code=${st#exit }; break ;;',
    '    gone) gone=$((gone + 1)); if [ $gone -ge 3 ]; then log "job $id ended without the step\'s exit status (cancelled, timed out or preempted)"; remote logs; exit 1; fi ;;',
    '  esac',
    `  wait=$(awk -v w="$wait" 'BEGIN { w *= ${p.factor}; print (w > ${p.max} ? ${p.max} : w) }')`,
    'done',
    shared
      ? `(cd "$R" && for p in ${outputs.map(word).join(' ')}; do [ -e "$p" ] && echo "$p"; done | tar -cf - -T -) | tar -xf - -C / || { log "could not copy the outputs back"; exit 1; }`
      : 'remote outputs | tar -xf - -C / || { log "could not fetch the outputs"; exit 1; }',
    'remote logs',
    'exit "$code"',
  ].join('\n')
}

/**
 * The Argo executor hook of batch jobs (dflow's DispatcherExecutor): a script template with a `batch` field
 * becomes a pod that sends its inputs to a login node over SSH, submits the step there as a batch job, polls it
 * (one SSH exec a poll, backing off), cancels it when the pod is stopped, brings back the declared outputs and
 * exits with the step's own status; its stdout is the step's (so `stdout()` outputs work). Templates without
 * `batch` are left as they are. Inputs and outputs must live under /tmp (the compiler's default places); holes
 * are mapped there, literal `/tmp` paths in the script's text are not.
 *
 * @example
 * ```ts
 * import { slurm } from 'lib/dispatcher/batch'
 * compile(wf, { executor: batchPods({ systems: { slurm }, image: 'debian-ssh:12', remoteRoot: '/home/u/dflow', ssh: { host: 'login', user: 'u', secret: 'hpc-ssh' } }) })
 * ```
 */
export const batchPods = (o: BatchPodOptions): Executor => {
  if (!SAFE_PATH.test(o.remoteRoot)) throw new DflowError([problem(['remoteRoot'], `${JSON.stringify(o.remoteRoot)} is not an absolute path of letters, digits, '.', '_', '-' and '/'`, 'choose a plain absolute folder')])
  return {
    render: (template, source) => {
      const batch = batchOf(source)
      if (!batch || !template.script) return template
      const path = ['templates', source.name, 'batch']
      const name = batch.system ?? o.system
      if (!name) throw new DflowError([problem([...path, 'system'], 'the batch field names no system, and batchPods was given no default', "name it (batch: { system: 'slurm' }) or pass batchPods({ system })")])
      const system = o.systems[name]
      if (!system) throw new DflowError([problem([...path, 'system'], `no batch system "${name}" was given to batchPods`, `pass it: batchPods({ systems: { ${name} }, … })`)])
      const remote = `${o.remoteRoot.replace(/\/+$/, '')}/{{workflow.name}}/{{pod.name}}`
      const fields = o.shape ? o.shape(source) : defaultShape(batch, path)
      // the step's resources are the job's (its batch field); the pod that waits needs none of its own
      const { resources: _podResources, ...script } = template.script
      return {
        ...template,
        script: {
          ...script,
          image: o.image,
          ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
          command: ['bash'],
          source: podScript(o, system, fields, template, remote),
          volumeMounts: [...((script['volumeMounts'] as readonly unknown[] | undefined) ?? []), { name: VOLUME, mountPath: o.ssh.mountPath ?? MOUNT, readOnly: true }],
        },
        volumes: [...((template['volumes'] as readonly unknown[] | undefined) ?? []), { name: VOLUME, secret: { secretName: o.ssh.secret, defaultMode: 0o400 } }],
      }
    },
  }
}
