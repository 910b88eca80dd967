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
  restart RUN_DIR    continue a local run whose driver died or was stopped
  steps [RUN_DIR]    list the steps of a run folder
  status [RUN_DIR]   show a run's status and summary
  compile FILE.ts    compile a workflow to an Argo Workflows manifest
  lint FILE          check a workflow file or an Argo YAML manifest against Argo's schema and lint
  upload PATH...     store files as one artifact (--store URL) and print its REF
  download RUN_DIR STEP ARTIFACT -o DIR   write a step's output artifact into DIR (on Argo: NAME STEP ARTIFACT)
  new workflow NAME  write NAME.ts, a runnable workflow file
  new op NAME        write NAME/, a package of one typed function OP with its tests
  server             a local server speaking the Kubernetes API of Argo (Argo on a laptop)

On Argo by workflow name (with --kubeconfig, --kube-context or KUBECONFIG; -n NS), else on local run
folders (RUN: a folder, or a run id in .dflow-runs); --json on both:
  submit FILE        submit a workflow (FILE.ts or an Argo YAML); --wait follows it to its end (Argo)
  list               the workflows of the namespace (-l SELECTOR), or the runs of .dflow-runs
  get NAME|RUN       a workflow's status and steps
  watch NAME|RUN     follow a workflow to its end
  logs NAME|RUN [STEP]   the logs of its steps
  stop|suspend|resume|retry|resubmit|delete NAME|RUN    (terminate NAME: Argo)
`

type Command = (argv: readonly string[]) => Promise<number>

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: async () => (await import('./run.ts')).main,
  restart: async () => (await import('./restart.ts')).main,
  steps: async () => (await import('./inspect.ts')).steps,
  status: async () => (await import('./inspect.ts')).status,
  compile: async () => (await import('./compile.ts')).main,
  lint: async () => (await import('./lint.ts')).main,
  new: async () => (await import('./new.ts')).main,
  server: async () => (await import('./server.ts')).main,
  ...Object.fromEntries(
    ['submit', 'list', 'get', 'watch', 'logs', 'stop', 'terminate', 'suspend', 'resume', 'retry', 'resubmit', 'delete'].map((verb) => [verb, async () => onArgo(verb)]),
  ),
  upload: async () => (await import('./transfer.ts')).uploadMain,
  download: async () => {
    const { kube, onCluster } = await import('./kube.ts')
    const local = (await import('./transfer.ts')).downloadMain
    return (argv) => (onCluster(argv) ? kube('download', argv) : local(argv))
  },
}

/** A verb of runs: on the cluster the command line or KUBECONFIG names, else on local run folders (lib/cli/local-verbs.ts). */
const onArgo = async (verb: string): Promise<Command> => {
  const { kube, onCluster } = await import('./kube.ts')
  return async (argv) => {
    if (onCluster(argv) || (verb === 'submit' && (argv.includes('--help') || argv.includes('-h')))) return kube(verb, argv)
    if (verb === 'submit') return console.error('dflow submit: works on Argo: give --kubeconfig FILE, --kube-context NAME or KUBECONFIG (to run it here: dflow run FILE)'), 2
    return (await import('./local-verbs.ts')).localVerb(verb, argv)
  }
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
