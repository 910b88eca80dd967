/**
 * The `dflow` command: one subcommand per module, loaded on demand.
 *
 * @example
 * ```sh
 * dflow run examples/steps.ts
 * dflow steps --phase Failed
 * ```
 */
const HELP = `Usage: dflow COMMAND [options]   (dflow COMMAND --help for each)

Commands:
  run FILE.ts        run a workflow locally, with live progress
  steps [RUN_DIR]    list the steps of a run folder
  status [RUN_DIR]   show a run's status and summary
  compile FILE.ts    compile a workflow to an Argo Workflows manifest
  lint FILE          check a workflow file or an Argo YAML manifest against Argo's schema and lint
  new workflow NAME  write NAME.ts, a runnable workflow file
  new op NAME        write NAME/, a package of one typed function OP with its tests
`

type Command = (argv: readonly string[]) => Promise<number>

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./run.ts')).main,
  steps: async () => (await import('./inspect.ts')).steps,
  status: async () => (await import('./inspect.ts')).status,
  compile: async () => (await import('./compile.ts')).main,
  lint: async () => (await import('./lint.ts')).main,
  new: async () => (await import('./new.ts')).main,
}

/** Runs the command line; returns the exit code. @example await main(['--help']) // 0 */
export const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return console.log(HELP), name === undefined ? 2 : 0
  const load = COMMANDS[name]
  if (!load) return console.error(`dflow: unknown command "${name}"\n\n${HELP}`), 2
  try {
    return await (await load())(rest)
  } catch (e) {
    console.error(`dflow ${name}: ${(e as Error).message}`)
    return 2
  }
}
