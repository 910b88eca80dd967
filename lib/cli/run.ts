import { parseArgs } from 'node:util'
import { DflowError, formatProblem, type Workflow } from 'dflow-ts'
import type { Imported } from '../argo/import/index.ts'
import { isArgoFile } from './file-kind.ts'
import { holdLocks, type Lock } from '../argo/import/sync.ts'
import { artifactProblems, local, parameterProblems, type RunEvent } from '../local/index.ts'
import { sharedLauncher } from '../local/launcher.ts'
import { color, duration, markOf, summary } from './format.ts'
import { loadWorkflow } from './load.ts'
import { paramArg } from './param-arg.ts'
import { RUN_STORAGE_FLAGS, RUN_STORAGE_HELP, runStorage } from './run-storage.ts'
import { batchJobs, dispatcher } from '../dispatcher/index.ts'
import { DISPATCH_HELP, DISPATCH_OPTIONS, dispatchFrom } from './dispatch-options.ts'
import { REUSE_HELP, REUSE_OPTIONS, reuseOf } from './reuse-options.ts'
import { CACHE_HELP, CACHE_OPTION, cacheRunOption } from './cache-option.ts'

const HELP = `Usage: dflow run FILE.ts [options]
       dflow run FILE.yaml [--template FILE]... [--configmap FILE]... [--secret FILE]... [options]

Runs a workflow file on the local interpreter, with live progress and a summary.
The file's default export (or --export NAME) must be a workflow; a .yaml, .yml or .json file is an
Argo Workflow, imported first (its templateRefs, ConfigMaps and Secrets from the files given).

Options:
  -p, --param NAME=VALUE   set a workflow parameter (repeatable); NAME=@FILE takes the file's
                           content, byte for byte (NAME=@@TEXT for a value that starts with @)
  --export NAME            run this named export instead of the default one
  --runs-dir DIR           where run folders go (default: .dflow-runs)
  --parallelism N          at most N steps at once (default: number of cores)
  --copy                   copy input artifacts instead of symlinking them
${RUN_STORAGE_HELP}${CACHE_HELP}
  --template FILE          (Argo) WorkflowTemplates / ClusterWorkflowTemplates it references (repeatable)
  --configmap FILE         (Argo) ConfigMaps its parameters and environment read (repeatable)
  --secret FILE            (Argo) Secrets its environment reads (repeatable)
  --time-scale X           (Argo) multiply every sleep, timeout, deadline and backoff by X (default 1)
${REUSE_HELP}
  -q, --quiet              no progress; print the status line, the failed steps and the run folder
  -h, --help               show this help
${DISPATCH_HELP}

Exit status: 0 if the workflow succeeded, 1 if it failed (or its run folder could not be written:
a full disk stops the run, which ends Error), 2 for bad usage, an invalid workflow or a run folder
that cannot be made, 130/143 when stopped by SIGINT/SIGTERM (every step's processes are stopped too).`

/** Prints each change of a step's state as it happens (`dflow run`, `dflow restart`). @example local({ onEvent: progress(Date.now()) }) */
export const progress = (start: number) => {
  let done = 0
  const running = new Set<string>()
  return (e: RunEvent) => {
    if (e.type === 'workflow') {
      if (e.workflow.status === 'Running') console.log(color.dim(`run folder: ${e.dir}`))
      return
    }
    const s = e.step
    if (s.phase === 'Running') running.add(s.id)
    else if (s.type === 'Pod' || s.phase === 'Omitted' || s.phase === 'Skipped') (running.delete(s.id), done++)
    else running.delete(s.id)
    const t = ((Date.now() - start) / 1000).toFixed(2).padStart(7)
    const n = (s.attempts?.length ?? 0) + (s.phase === 'Running' ? 1 : 0)
    const attempt = n >= 2 ? ` (attempt ${n})` : ''
    const extra =
      (s.phase === 'Running' ? (s.progress ? `progress ${s.progress}` : '') : s.phase === 'Succeeded' ? duration(s.startedAt, s.finishedAt) : (s.message ?? '').split('\n')[0]) + attempt
    console.log(`${color.dim(`[${t}s]`)} ${markOf(s.phase)} ${s.id} ${color.dim(s.phase)} ${extra ?? ''} ${color.dim(`(${done} done, ${running.size} running)`)}`)
  }
}

/** `dflow run`: returns the exit code. @example await main(['examples/steps.ts']) */
export const main = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      param: { type: 'string', short: 'p', multiple: true },
      export: { type: 'string' },
      'runs-dir': { type: 'string' },
      parallelism: { type: 'string' },
      copy: { type: 'boolean' },
      ...RUN_STORAGE_FLAGS,
      template: { type: 'string', multiple: true },
      configmap: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      'time-scale': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
      ...DISPATCH_OPTIONS,
      ...REUSE_OPTIONS,
      ...CACHE_OPTION,
    },
  })
  if (values.help) return console.log(HELP), 0
  if (positionals.length !== 1) return console.error(`dflow run: expected one workflow file\n\n${HELP}`), 2
  const parameters: Record<string, string> = {}
  for (const p of values.param ?? []) {
    const given = paramArg(p)
    if (typeof given === 'string') return console.error(`dflow run: ${given}`), 2
    parameters[given[0]] = given[1]
  }
  const parallelism = values.parallelism === undefined ? undefined : Number(values.parallelism)
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism > 0))
    return console.error(`dflow run: --parallelism takes a positive integer, got "${values.parallelism}"`), 2

  // The process launcher starts (python3) while the workflow file is compiled and loaded.
  sharedLauncher.prewarm()
  const file = positionals[0]!
  const timeScale = values['time-scale'] === undefined ? undefined : Number(values['time-scale'])
  if (timeScale !== undefined && !(timeScale > 0)) return console.error(`dflow run: --time-scale takes a positive number, got "${values['time-scale']}"`), 2
  let wf: Workflow
  let deadline: number | undefined
  let locks: readonly Lock[] = []
  let composite: Imported['composite']
  if (isArgoFile(file)) {
    let imported: Imported
    // the importer (and Argo's schema) is loaded for an Argo file only: a TypeScript workflow starts without it
    const { loadArgoFile } = await import('./argo-file.ts')
    try {
      imported = loadArgoFile(file, { templates: values.template ?? [], configmaps: values.configmap ?? [], secrets: values.secret ?? [], parameters, ...(timeScale !== undefined ? { timeScale } : {}), ...(values.store !== undefined ? { store: values.store } : {}) })
    } catch (e) {
      if (e instanceof DflowError) return console.error(`dflow run: ${file} cannot be run locally:\n${e.message}`), 2
      throw e
    }
    for (const warning of imported.warnings) console.error(color.yellow(`warning: ${warning}`))
    wf = imported.workflow
    deadline = imported.deadlineSeconds
    locks = imported.synchronization ?? []
    composite = imported.composite
  } else wf = await loadWorkflow(file, values.export)
  const reuse = await reuseOf(values)
  if (typeof reuse === 'string') return console.error(`dflow run: ${reuse}`), 2
  const source = isArgoFile(file)
    ? { file, argo: { templates: values.template ?? [], configmaps: values.configmap ?? [], secrets: values.secret ?? [], ...(timeScale !== undefined ? { timeScale } : {}), ...(values.store !== undefined ? { store: values.store } : {}) } }
    : { file, ...(values.export !== undefined ? { export: values.export } : {}) }
  const storage = runStorage(values, process.env)
  if (typeof storage === 'string') return console.error(`dflow run: ${storage}`), 2
  const wrong = [...parameterProblems(wf, parameters, (k) => `-p ${k}=VALUE`), ...artifactProblems(wf, storage.artifacts, (k) => `-a ${k}=REF`)]
  if (wrong.length) {
    await storage.store?.close()
    return console.error(`dflow run: ${wf.name} is not valid:\n${wrong.map(formatProblem).join('\n')}`), 2
  }
  const batch = dispatchFrom(values)
  if (typeof batch === 'string') return await storage.store?.close(), console.error(`dflow run: ${batch}`), 2
  const ctl = new AbortController()
  let stoppedBy: NodeJS.Signals | undefined
  const stop = (sig: NodeJS.Signals) => {
    if (stoppedBy) process.exit(sig === 'SIGINT' ? 130 : 143) // a second signal: give up waiting
    stoppedBy = sig
    console.error(color.yellow(`\n${sig}: stopping every step…`))
    ctl.abort(`terminated by ${sig}`)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  // Argo's spec.activeDeadlineSeconds: the run is stopped when it runs out, and ends Failed
  // Argo's spec.synchronization: the run starts once it holds its locks, and holds them to the end
  const release = await holdLocks(locks)
  const timer = deadline === undefined ? undefined : setTimeout(() => ctl.abort(`the workflow's activeDeadlineSeconds (${deadline} s) ran out`), deadline * 1000)
  try {
    const common = { ...(values['runs-dir'] ? { runsDir: values['runs-dir'] } : {}), ...(values.quiet ? {} : { onEvent: progress(Date.now()) }) }
    const interpreter = batch ? dispatcher({ ...batch.config, ...common, ...(parallelism ? { slots: parallelism } : {}), ...(storage.store ? { store: storage.store } : {}) }) : local({ ...common, batch: batchJobs(), ...(parallelism ? { parallelism } : {}), ...(values.copy ? { stage: 'copy' as const } : {}), ...(storage.store ? { store: storage.store } : {}) })
    const run = await interpreter.run(wf, { parameters, artifacts: storage.artifacts, signal: ctl.signal, source, reuse, ...cacheRunOption(values), ...(composite ? { composite } : {}) })
    console.log(values.quiet ? summary(run, { quiet: true }) : `\n${summary(run)}`)
    if (stoppedBy) return stoppedBy === 'SIGINT' ? 130 : 143
    return run.status === 'Succeeded' ? 0 : 1
  } catch (e) {
    if (e instanceof DflowError) return console.error(`dflow run: ${wf.name} is not valid:\n${e.message}`), 2
    throw e
  } finally {
    clearTimeout(timer)
    await batch?.close()
    release()
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await storage.store?.close()
  }
}
