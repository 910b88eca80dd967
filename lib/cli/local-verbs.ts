import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { FINAL_PHASES, listRuns, openRun, runLayout, type Run, type WorkflowRecord } from '../local/index.ts'
import { suspendFile } from '../local/suspend.ts'
import { driverState } from '../run/driver.ts'
import { readRestartRecord } from '../run/restart-record.ts'
import { exitOf, runJson, runReport, stepChanges } from './run-report.ts'

const OPTIONS = `Local options (without --kubeconfig, --kube-context or KUBECONFIG the verb works on run folders):
  --runs-dir DIR          where run folders are (default .dflow-runs); RUN is a folder, or a run id in it
  --json                  print JSON
  -h, --help              show this help`

const HELPS: Readonly<Record<string, string>> = {
  list: 'Usage: dflow list [options]\n\nLists the runs of the runs folder (oldest first): name, status, message.',
  get: "Usage: dflow get RUN [options]\n\nPrints a run's status and its steps, outputs decoded. Exit status 0 if Succeeded, 1 if Failed or Error, 3 while it runs.",
  watch: "Usage: dflow watch RUN [options]\n\nPrints each change of a run's steps until it ends. Exit status 0 if it Succeeded, 1 if not.",
  logs: 'Usage: dflow logs RUN [STEP] [options]\n\nPrints the log of one step (by id or name), or of every step, each line prefixed by the step\'s id.',
  stop: "Usage: dflow stop RUN [options]\n\nStops a running run: its driver is sent SIGTERM, and stops every step (dflow restart RUN continues it).",
  suspend: 'Usage: dflow suspend RUN [options]\n\nSuspends a run: the steps running go on, no new step starts until resumed.',
  resume: 'Usage: dflow resume RUN [options]\n\nResumes a suspended run.',
  retry: 'Usage: dflow retry RUN [options]\n\nRuns a Failed run again in its folder, keeping the steps that succeeded (dflow restart RUN), to its end.',
  resubmit:
    'Usage: dflow resubmit RUN [options]\n\nRuns the workflow of a run again as a new run (from the file it recorded, with its parameters), reusing\nthe keyed steps that succeeded (dflow run FILE --reuse RUN), to its end.',
  delete: 'Usage: dflow delete RUN [options]\n\nDeletes a run folder (stop a running run first).',
}

/** The verbs that work on local run folders. @example LOCAL_VERBS.includes('get') // true */
export const LOCAL_VERBS: readonly string[] = Object.keys(HELPS)

/** A run folder from what was given: a folder, or a run id under the runs folder. */
const runDirOf = (given: string, runsDir: string): string | undefined => {
  for (const d of [given, join(runsDir, given)]) if (existsSync(join(d, 'workflow.json'))) return resolve(d)
  return undefined
}

const recordOf = (dir: string): WorkflowRecord => JSON.parse(readFileSync(runLayout(dir).workflowFile, 'utf8')) as WorkflowRecord

/**
 * The `dflow` verbs on local run folders, with the output shapes they have on Argo (`dflow get`, `watch`,
 * `logs`, `list`, `--json`): list, get, watch, logs, stop (SIGTERM to the driver), suspend and resume (no
 * new step starts meanwhile), retry (a restart in the folder), resubmit (a new run reusing the keyed steps
 * that succeeded), delete. Returns the exit code.
 *
 * @example
 * ```ts
 * await localVerb('get', ['.dflow-runs/steps-20261201-101500-3f9a', '--json'])
 * ```
 */
export const localVerb = async (verb: string, argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'runs-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, quiet: { type: 'boolean', short: 'q' } },
  })
  const help = HELPS[verb]
  if (!help) return console.error(`dflow ${verb}: works on Argo only, by workflow name: give --kubeconfig FILE, --kube-context NAME or KUBECONFIG`), 2
  if (values.help) return console.log(`${help}\n\n${OPTIONS}`), 0
  const runsDir = values['runs-dir'] ?? '.dflow-runs'
  const want = verb === 'list' ? [0] : verb === 'logs' ? [1, 2] : [1]
  if (!want.includes(positionals.length)) return console.error(`dflow ${verb}: expected ${verb === 'list' ? 'no arguments' : verb === 'logs' ? 'RUN [STEP]' : 'one run folder'}\n\n${help}\n\n${OPTIONS}`), 2
  const print = (run: Run) => console.log(values.json ? JSON.stringify(runJson(run, { dir: run.dir }), null, 2) : runReport(run, `run folder: ${run.dir}`))
  if (verb === 'list') {
    const runs = await Promise.all([...listRuns(runsDir)].reverse().map((n) => openRun(join(runsDir, n)).catch(() => undefined)))
    const found = runs.filter((r): r is Run => r !== undefined)
    if (values.json) return console.log(JSON.stringify(found.map((r) => ({ name: r.name, dir: r.dir, status: r.status, message: r.message })), null, 2)), 0
    const w = Math.max(4, ...found.map((r) => r.name.length))
    console.log(found.length ? [`${'NAME'.padEnd(w)}  STATUS     MESSAGE`, ...found.map((r) => `${r.name.padEnd(w)}  ${r.status.padEnd(9)}  ${r.message ?? ''}`)].join('\n') : 'no runs')
    return 0
  }
  const [given, step] = positionals as [string, string | undefined]
  const dir = runDirOf(given, runsDir)
  if (!dir) return console.error(`dflow ${verb}: ${given} is not a run folder (no workflow.json there, nor under ${runsDir})`), 2
  const was = recordOf(dir)
  const running = !FINAL_PHASES.has(was.status) && driverState(was) === 'alive'
  const say = (what: string) => console.log(values.json ? JSON.stringify({ name: was.id, dir, action: what }) : `${dir}: ${what}`)
  switch (verb) {
    case 'get': {
      const run = await openRun(dir)
      print(run)
      return exitOf(run)
    }
    case 'watch': {
      const seen = new Map<string, string>()
      let run = await openRun(dir)
      for (;;) {
        if (values.json) console.log(JSON.stringify(runJson(run, { dir })))
        else for (const l of stepChanges(run, seen)) console.log(l)
        if (!(run.status === 'Running' || run.status === 'Pending')) break
        await sleep(200)
        run = await openRun(dir)
      }
      if (!values.json) console.log(runReport(run, `run folder: ${run.dir}`))
      return exitOf(run)
    }
    case 'logs': {
      const run = await openRun(dir)
      if (step !== undefined) return process.stdout.write(run.step(step).log()), 0
      const pods = run.steps({ type: 'Pod' })
      process.stdout.write(pods.map((s) => s.log().split(/(?<=\n)/).filter((l) => l !== '').map((l) => `${s.id}: ${l}`).join('')).join(''))
      return 0
    }
    case 'stop': {
      if (!running) return console.error(`dflow stop: ${dir} is ${was.status === 'Running' ? 'not driven any more (its driver is gone)' : was.status}: nothing to stop`), 1
      process.kill(was.pid, 'SIGTERM')
      return say('stopping'), 0
    }
    case 'suspend':
    case 'resume': {
      if (!running) return console.error(`dflow ${verb}: ${dir} is not running (${was.status})`), 1
      if (verb === 'suspend') writeFileSync(suspendFile(dir), `${new Date().toISOString()}\n`)
      else rmSync(suspendFile(dir), { force: true })
      return say(verb === 'suspend' ? 'suspended' : 'resumed'), 0
    }
    case 'retry': {
      rmSync(suspendFile(dir), { force: true })
      const { main } = await import('./restart.ts')
      return main([dir, ...(values.quiet ? ['-q'] : [])])
    }
    case 'resubmit': {
      if (running) return console.error(`dflow resubmit: ${dir} is still running: only a finished run can be resubmitted`), 2
      const rec = readRestartRecord(dir)
      if (typeof rec === 'string') return console.error(`dflow resubmit: ${rec}`), 2
      if (!rec.source) return console.error(`dflow resubmit: ${dir} was started from the API, with no workflow file: resubmit it from the API (local().run(wf, { reuse: run.steps() }))`), 2
      const params = Object.entries(was.parameters).flatMap(([k, v]) => ['-p', `${k}=${v.startsWith('@') ? `@${v}` : v}`])
      const { main } = await import('./run.ts')
      return main([rec.source.file, ...(rec.source.export ? ['--export', rec.source.export] : []), ...params, '--reuse', dir, '--runs-dir', resolve(dir, '..'), ...(values.quiet ? ['-q'] : [])])
    }
    case 'delete': {
      if (running) return console.error(`dflow delete: ${dir} is still running (its driver, pid ${was.pid}): stop it first (dflow stop ${given})`), 2
      rmSync(dir, { recursive: true, force: true })
      return say('deleted'), 0
    }
  }
  return 2
}
