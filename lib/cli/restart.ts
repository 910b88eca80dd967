import { parseArgs } from 'node:util'
import { DflowError, type Workflow } from 'dflow-ts'
import { batchJobs } from '../dispatcher/index.ts'
import { local, RestartRefused } from '../local/index.ts'
import { readRestartRecord } from '../run/restart-record.ts'
import { loadArgoFile } from './argo-file.ts'
import { color, summary } from './format.ts'
import { loadWorkflow } from './load.ts'
import { progress } from './run.ts'

const HELP = `Usage: dflow restart RUN_DIR [options]

Continues a local run whose driver died (kill -9, an OOM kill, a reboot) or was stopped, in its run
folder: steps recorded Succeeded keep their outputs and are not run again, steps that were running run
again, and the run ends as if it had never stopped. The workflow is loaded again from the file the run
recorded (dflow run records it, with its export and parameters); a workflow that changed since is refused
with what changed, unless --allow-changes.

Options:
  --allow-changes          restart a changed workflow: the changed steps and every step downstream of one
                           run again
  --parallelism N          at most N steps at once (default: what the run had)
  -q, --quiet              no progress; print the status line, the failed steps and the run folder
  -h, --help               show this help

Exit status: 0 if the workflow succeeded, 1 if it failed, 2 for bad usage or a restart refused (its driver
still runs, the workflow changed, no restart.json), 130/143 when stopped by SIGINT/SIGTERM.`

/** `dflow restart`: returns the exit code. @example await main(['.dflow-runs/recurse-20261201-101500-3f9a']) */
export const main = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'allow-changes': { type: 'boolean' },
      parallelism: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return console.log(HELP), 0
  if (positionals.length !== 1) return console.error(`dflow restart: expected one run folder\n\n${HELP}`), 2
  const dir = positionals[0]!
  const parallelism = values.parallelism === undefined ? undefined : Number(values.parallelism)
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism > 0))
    return console.error(`dflow restart: --parallelism takes a positive integer, got "${values.parallelism}"`), 2
  const rec = readRestartRecord(dir)
  if (typeof rec === 'string') return console.error(`dflow restart: ${rec}`), 2
  if (!rec.source) return console.error(`dflow restart: ${dir} was started from the API, with no workflow file: restart it from the API (restart(dir, { workflow }))`), 2
  const src = rec.source
  let wf: Workflow
  try {
    wf = src.argo ? loadArgoFile(src.file, src.argo).workflow : await loadWorkflow(src.file, src.export)
  } catch (e) {
    if (e instanceof DflowError) return console.error(`dflow restart: ${src.file} cannot be loaded:\n${e.message}`), 2
    throw e
  }
  const ctl = new AbortController()
  let stoppedBy: NodeJS.Signals | undefined
  const stop = (sig: NodeJS.Signals) => {
    if (stoppedBy) process.exit(sig === 'SIGINT' ? 130 : 143)
    stoppedBy = sig
    console.error(color.yellow(`\n${sig}: stopping every step…`))
    ctl.abort(`terminated by ${sig}`)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    // batch templates go to their batch system, as under dflow run: a job the killed driver submitted is reattached
    const run = await local({ batch: batchJobs(), ...(parallelism ? { parallelism } : {}), ...(values.quiet ? {} : { onEvent: progress(Date.now()) }) }).restart(dir, {
      workflow: wf,
      allowChanges: values['allow-changes'] === true,
      signal: ctl.signal,
      onWarning: (w) => console.error(color.yellow(`warning: ${w}`)),
    })
    console.log(values.quiet ? summary(run, { quiet: true }) : `\n${summary(run)}`)
    if (stoppedBy) return stoppedBy === 'SIGINT' ? 130 : 143
    return run.status === 'Succeeded' ? 0 : 1
  } catch (e) {
    if (e instanceof RestartRefused) return console.error(`dflow restart: ${e.message}`), 2
    if (e instanceof DflowError) return console.error(`dflow restart: ${wf.name} is not valid:\n${e.message}`), 2
    throw e
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}
