import { parseArgs } from 'node:util'
import { join } from 'node:path'
import { listRuns, openRun, PHASES, STEP_TYPES, type StepFilter } from '../local/index.ts'
import { stepsTable, summary } from './format.ts'

const STEPS_HELP = `Usage: dflow steps [RUN_DIR] [options]

Lists the steps of a run folder (default: the newest run in .dflow-runs), finished or running.

Options:
  -n, --name NAME     exact step name, or /REGEX/
  -k, --key KEY       step key
  --phase PHASE       Pending, Running, Succeeded, Failed, Error, Skipped or Omitted, in any
                      case (repeatable: any of them)
  --type TYPE         Pod, Steps, DAG or StepGroup, in any case (repeatable)
  --json              print the step records as JSON
  -h, --help          show this help`

const STATUS_HELP = `Usage: dflow status [RUN_DIR] [--json]

Prints a run's status, its steps and where its folder is (default: the newest run in .dflow-runs).
Exit status: 0 if the run succeeded, 1 if it failed, 3 while it is still running. A run whose driver
is gone though it never finished (killed outright, or stopped by a full disk) is Failed and interrupted;
a run recorded on another host is shown as recorded, saying that this host cannot tell.`

/**
 * The values given for a flag, each matched to a known one in any case (`succeeded` is `Succeeded`), or a
 * message naming the unknown value and listing the known ones.
 *
 * @example
 * ```ts
 * oneOf('type', STEP_TYPES, ['pod'])      // ['Pod']
 * oneOf('type', STEP_TYPES, ['container']) // 'unknown type "container" (one of: Pod, Steps, DAG, StepGroup)'
 * ```
 */
export const oneOf = <A extends string>(flag: string, known: readonly A[], given: readonly string[]): readonly A[] | string => {
  const found: A[] = []
  for (const g of given) {
    const k = known.find((x) => x.toLowerCase() === g.toLowerCase())
    if (k === undefined) return `unknown ${flag} "${g}" (one of: ${known.join(', ')})`
    found.push(k)
  }
  return found
}

const runDirOf = (positional: string | undefined): string | undefined => {
  if (positional) return positional
  const newest = listRuns('.dflow-runs')[0]
  return newest ? join('.dflow-runs', newest) : undefined
}

/** `dflow steps`. @example await steps(['.dflow-runs/steps-1', '--phase', 'Failed']) */
export const steps = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      name: { type: 'string', short: 'n' },
      key: { type: 'string', short: 'k' },
      phase: { type: 'string', multiple: true },
      type: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return console.log(STEPS_HELP), 0
  const phase = values.phase && oneOf('phase', PHASES, values.phase)
  const type = values.type && oneOf('type', STEP_TYPES, values.type)
  if (typeof phase === 'string' || typeof type === 'string') return console.error(`dflow steps: ${typeof phase === 'string' ? phase : type}`), 2
  const dir = runDirOf(positionals[0])
  if (!dir) return console.error('dflow steps: no run folder given and none in .dflow-runs'), 2
  const run = await openRun(dir)
  const name = values.name?.startsWith('/') && values.name.endsWith('/') && values.name.length > 1 ? new RegExp(values.name.slice(1, -1)) : values.name
  const filter: StepFilter = {
    ...(name !== undefined ? { name } : {}),
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(phase ? { phase } : {}),
    ...(type ? { type } : {}),
  }
  const found = run.steps(filter)
  console.log(values.json ? JSON.stringify(found.map((s) => s.record), null, 2) : stepsTable(found, run.dir))
  return 0
}

/** `dflow status`. @example await status(['.dflow-runs/steps-1']) */
export const status = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) return console.log(STATUS_HELP), 0
  const dir = runDirOf(positionals[0])
  if (!dir) return console.error('dflow status: no run folder given and none in .dflow-runs'), 2
  const run = await openRun(dir)
  console.log(values.json ? JSON.stringify(run.record, null, 2) : summary(run))
  return run.status === 'Succeeded' ? 0 : run.status === 'Running' || run.status === 'Pending' ? 3 : 1
}
