import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DflowError, formatProblem } from 'dflow-ts'
import { argo, parseYaml, type ArgoClient, type ArgoRun, type ArgoStepView } from '../argo/index.ts'
import { exitOf, runJson, runReport, stepChanges } from './run-report.ts'
import type { ArtifactOutput } from '../run/artifact-output.ts'
import { loadWorkflow } from './load.ts'
import { paramArg } from './param-arg.ts'

const CLUSTER_OPTIONS = `Cluster options (the verb works on Argo when one of them, or KUBECONFIG, is given):
  --kubeconfig FILE       the kubeconfig to use
  --kube-context NAME     its context (default: its current-context)
  -n, --namespace NS      the namespace (default: the context's, else default)
  --json                  print JSON
  -h, --help              show this help`

const HELPS: Readonly<Record<string, string>> = {
  submit: `Usage: dflow submit FILE [options]

Submits a workflow to Argo: FILE.ts (its default export, or --export NAME, compiled here) or an Argo
manifest (FILE.yaml). Prints the workflow's name; with --wait, follows it to its end and prints its steps.

Options:
  -p, --param NAME=VALUE  set a workflow parameter (repeatable; NAME=@FILE takes the file's content)
  --export NAME           submit this named export instead of the default one
  -l, --label KEY=VALUE   add a label (repeatable)
  --wait                  wait for the end; exit 0 if it Succeeded, 1 if not`,
  list: `Usage: dflow list [-l SELECTOR] [options]

Lists the workflows of the namespace (oldest first), or those matching a label selector.`,
  get: `Usage: dflow get NAME [options]

Prints a workflow's status and its steps, outputs decoded as JSON. Exit status 0 if Succeeded, 1 if
Failed or Error, 3 while it runs.`,
  watch: `Usage: dflow watch NAME [options]

Prints each change of a workflow's steps until it ends (reconnecting when the connection drops).
Exit status 0 if it Succeeded, 1 if not.`,
  logs: `Usage: dflow logs NAME [STEP] [options]

Prints the log of one step (by id or name), or of every step, each line prefixed by the step's id.`,
  stop: 'Usage: dflow stop NAME [options]\n\nStops a workflow (spec.shutdown: Stop): running steps are stopped, exit handlers run.',
  terminate: 'Usage: dflow terminate NAME [options]\n\nTerminates a workflow (spec.shutdown: Terminate): everything stops, no exit handlers.',
  suspend: 'Usage: dflow suspend NAME [options]\n\nSuspends a workflow (spec.suspend: true): no new step starts until resumed.',
  resume: 'Usage: dflow resume NAME [options]\n\nResumes a suspended workflow.',
  retry: 'Usage: dflow retry NAME [--from STEP] [options]\n\nRuns a Failed workflow again, keeping the steps that succeeded (from STEP: that step and those after it run again).',
  resubmit:
    'Usage: dflow resubmit NAME [options]\n\nSubmits a finished workflow again as a new one (NAME-xxxxx), from the spec the cluster holds: of a Failed or Error\none, the steps that succeeded are reused, not run again (argo resubmit --memoized); of a Succeeded one, all run again.\nPrints the new workflow\'s name; with --wait, follows it to its end.',
  delete: 'Usage: dflow delete NAME [options]\n\nDeletes a workflow (and its pods).',
  download: `Usage: dflow download NAME STEP ARTIFACT -o DIR [options]

Writes the output artifact ARTIFACT of step STEP of a workflow into DIR/ARTIFACT, from the artifact
repository the workflow used (S3 credentials as the AWS SDK reads them: AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY, AWS_PROFILE…; AWS_ENDPOINT_URL_S3, when set, is the endpoint as reachable from
here, instead of the repository's); prints the path written.`,
}

/** Whether the command line or the environment names a cluster (`--kubeconfig`, `--kube-context`, KUBECONFIG). @example onCluster(['get', 'x', '--kubeconfig', 'k']) // true */
export const onCluster = (argv: readonly string[]): boolean =>
  argv.some((a) => a === '--kubeconfig' || a === '--kube-context' || a.startsWith('--kubeconfig=') || a.startsWith('--kube-context=')) || !!process.env['KUBECONFIG']

/** A workflow's status line and its steps, as `dflow get` prints a local run. @example console.log(argoSummary(run)) */
export const argoSummary = (run: ArgoRun): string => runReport(run, `workflow: ${run.namespace}/${run.name}`)

const asJson = (run: ArgoRun) => runJson<ArgoStepView>(run, { namespace: run.namespace }, (s) => ({ podName: s.podName }))

/**
 * The Argo verbs of `dflow`, by workflow name: submit, list, get, watch, logs, stop, terminate, suspend,
 * resume, retry, resubmit, delete. Returns the exit code.
 *
 * @example
 * ```ts
 * await kube('get', ['hello-x7k2p', '--kubeconfig', '/tmp/kubeconfig', '-n', 'argo'])
 * ```
 */
export const kube = async (verb: string, argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      kubeconfig: { type: 'string' },
      'kube-context': { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      param: { type: 'string', short: 'p', multiple: true },
      label: { type: 'string', short: 'l', multiple: true },
      export: { type: 'string' },
      wait: { type: 'boolean' },
      from: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  })
  const help = `${HELPS[verb]}\n\n${CLUSTER_OPTIONS}`
  if (values.help) return console.log(help), 0
  const want = verb === 'list' ? 0 : verb === 'logs' ? [1, 2] : verb === 'download' ? 3 : 1
  const okCount = Array.isArray(want) ? want.includes(positionals.length) : positionals.length === want
  if (!okCount) return console.error(`dflow ${verb}: expected ${verb === 'submit' ? 'one workflow file' : verb === 'list' ? 'no arguments' : verb === 'logs' ? 'NAME [STEP]' : verb === 'download' ? 'NAME STEP ARTIFACT' : 'one workflow name'}\n\n${help}`), 2
  if (verb === 'download' && values.output === undefined) return console.error(`dflow download: -o DIR is required\n\n${help}`), 2
  const endpoint = process.env['AWS_ENDPOINT_URL_S3']
  const client: ArgoClient = argo({
    ...(endpoint ? { artifacts: { endpoint } } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values['kube-context'] ? { context: values['kube-context'] } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  })
  const print = (run: ArgoRun) => console.log(values.json ? JSON.stringify(asJson(run), null, 2) : argoSummary(run))
  const [name, step] = positionals as [string, string | undefined]
  switch (verb) {
    case 'submit': {
      const parameters: Record<string, string> = {}
      for (const p of values.param ?? []) {
        const given = paramArg(p)
        if (typeof given === 'string') return console.error(`dflow submit: ${given}`), 2
        parameters[given[0]] = given[1]
      }
      const labels = Object.fromEntries((values.label ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
      let run: ArgoRun
      try {
        if (/\.ya?ml$/.test(name)) {
          const parsed = parseYaml(readFileSync(name, 'utf8'))
          if (!parsed.ok) return console.error(`dflow submit: ${name}:\n${parsed.problems.map(formatProblem).join('\n')}`), 2
          const wf = parsed.documents.find((d) => (d as { kind?: string }).kind === 'Workflow')
          if (!wf) return console.error(`dflow submit: ${name} holds no Workflow`), 2
          run = await client.submit(wf as never, { parameters, labels })
        } else run = await client.submit(await loadWorkflow(name, values.export), { parameters, labels })
      } catch (e) {
        if (e instanceof DflowError) return console.error(`dflow submit: ${name} is not valid:\n${e.message}`), 2
        throw e
      }
      if (!values.wait) return console.log(values.json ? JSON.stringify(asJson(run), null, 2) : `${run.namespace}/${run.name} submitted`), 0
      const done = await run.wait()
      print(done)
      return exitOf(done)
    }
    case 'list': {
      const runs = await client.list(values.label?.length ? { labels: values.label.join(',') } : {})
      if (values.json) return console.log(JSON.stringify(runs.map((r) => ({ name: r.name, namespace: r.namespace, status: r.status, message: r.message })), null, 2)), 0
      const w = Math.max(4, ...runs.map((r) => r.name.length))
      console.log(runs.length ? [`${'NAME'.padEnd(w)}  STATUS     MESSAGE`, ...runs.map((r) => `${r.name.padEnd(w)}  ${r.status.padEnd(9)}  ${r.message ?? ''}`)].join('\n') : 'no workflows')
      return 0
    }
    case 'get': {
      const run = await client.get(name)
      print(run)
      return exitOf(run)
    }
    case 'watch': {
      const phases = new Map<string, string>()
      let last = await client.get(name)
      for await (const r of last.watch()) {
        last = r
        if (values.json) {
          console.log(JSON.stringify(asJson(r)))
          continue
        }
        for (const l of stepChanges(r, phases)) console.log(l)
      }
      if (!values.json) console.log(argoSummary(last))
      return exitOf(last)
    }
    case 'logs': {
      const run = await client.get(name)
      process.stdout.write(await run.logs(step))
      return 0
    }
    case 'download': {
      const view = (await client.get(name)).step(step!)
      const at = (view.outputs as Readonly<Record<string, unknown>>)[positionals[2]!] as ArtifactOutput | null | undefined
      if (!at || typeof at.download !== 'function') {
        const has = Object.keys(view.record.outputs.artifacts ?? {})
        return console.error(`dflow download: step ${JSON.stringify(view.id)} of ${name} has no output artifact ${JSON.stringify(positionals[2])} (${has.length ? `it has: ${has.join(', ')}` : 'it has none'}; its phase is ${view.phase})`), 1
      }
      console.log(await at.download(values.output!))
      return 0
    }
    case 'resubmit': {
      const next = await (await client.get(name)).resubmit()
      if (!values.wait) return console.log(values.json ? JSON.stringify(asJson(next), null, 2) : `${next.namespace}/${next.name} submitted`), 0
      const done = await next.wait()
      print(done)
      return exitOf(done)
    }
    case 'stop':
    case 'terminate':
    case 'suspend':
    case 'resume':
    case 'retry':
    case 'delete': {
      const run = await client.get(name)
      if (verb === 'delete') await run.delete()
      else if (verb === 'retry') await run.retry(values.from !== undefined ? { from: values.from } : {})
      else await run[verb]()
      console.log(`${run.namespace}/${run.name}: ${{ stop: 'stopping', terminate: 'terminating', suspend: 'suspended', resume: 'resumed', retry: 'retrying', delete: 'deleted' }[verb]}`)
      return 0
    }
    default:
      return console.error(`dflow: ${verb} is not an Argo verb`), 2
  }
}

/** The verbs {@link kube} knows. @example KUBE_VERBS.includes('get') // true */
export const KUBE_VERBS: readonly string[] = Object.keys(HELPS)
