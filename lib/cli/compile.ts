import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DflowError, formatProblem, type Problem } from 'dflow-ts'
import { loadWorkflow } from './load.ts'
import { ARTIFACT_FLAGS, ARTIFACT_HELP, artifactOptions } from './artifact-options.ts'
import { compile, toYaml, validate, type ArgoVersion, type CompileOptions } from 'dflow-ts/argo'

/** Where a command prints: standard output and standard error, replaceable in tests. @example main(['wf.ts'], { out: (s) => lines.push(s), err: console.error }) */
export interface CliIo {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
}

/** The process's own streams. @example STDIO.out('hi\n') */
export const STDIO: CliIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) }

const HELP = `Usage: dflow compile FILE.ts [options]

Compiles the workflow that FILE.ts exports by default (or --export NAME) to an Argo
Workflows manifest, checks it against Argo's schema and lint, and prints it (YAML unless --json).

Options:
      --export NAME        compile this named export instead of the default one
  -o, --output FILE        write the manifest to FILE instead of standard output
      --json               print JSON instead of YAML
      --name               metadata.name = the workflow's name (default: generateName NAME-)
      --namespace NS       metadata.namespace
      --service-account SA spec.serviceAccountName
      --argo-version V     v4.1 (default) or v3.7: the schema the manifest is checked against
${ARTIFACT_HELP}  -h, --help               show this text
`

/** The Argo version named on the command line. @example argoVersionOf('v3.7') // 'v3.7' */
export const argoVersionOf = (v: string | undefined): ArgoVersion => {
  if (v === undefined || v === 'v4.1' || v === 'v4') return 'v4.1'
  if (v === 'v3.7' || v === 'v3') return 'v3.7'
  throw new DflowError([{ path: ['--argo-version'], message: `unknown Argo version ${JSON.stringify(v)}`, hint: 'v4.1 or v3.7' }])
}

/** Prints problems, one a line, and returns the exit code 1. @example failWith(io, problems) // 1 */
export const failWith = (io: CliIo, problems: readonly Problem[], prefix = ''): number => {
  for (const p of problems) io.err(`${prefix}${formatProblem(p)}\n`)
  return 1
}

/** Runs a command body, turning a DflowError into its problems on standard error. @example await guarded(STDIO, async () => 0) // 0 */
export const guarded = async (io: CliIo, body: () => Promise<number>): Promise<number> => {
  try {
    return await body()
  } catch (e) {
    if (e instanceof DflowError) return failWith(io, e.problems)
    io.err(`${e instanceof Error ? e.message : String(e)}\n`)
    return 1
  }
}

/**
 * `dflow compile FILE.ts [-o wf.yaml] [--json] [--export NAME]`: prints the Argo manifest of a workflow file. Exit code 0
 * when it compiled to a valid manifest, 1 otherwise (with the problems on standard error), 2 on bad usage.
 *
 * @example
 * ```ts
 * await main(['examples/steps.ts', '-o', 'steps.yaml']) // 0
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = STDIO): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        export: { type: 'string' },
        json: { type: 'boolean' },
        name: { type: 'boolean' },
        namespace: { type: 'string' },
        'service-account': { type: 'string' },
        'argo-version': { type: 'string' },
        ...ARTIFACT_FLAGS,
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${HELP}`)
    return 2
  }
  const { values, positionals } = args
  if (values.help) return io.out(HELP), 0
  if (positionals.length !== 1) return io.err(HELP), 2
  return guarded(io, async () => {
    const argoVersion = argoVersionOf(values['argo-version'])
    const options: CompileOptions = {
      generateName: !values.name,
      argoVersion,
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(values['service-account'] !== undefined ? { serviceAccount: values['service-account'] } : {}),
      ...artifactOptions(values),
    }
    const manifest = compile(await loadWorkflow(positionals[0]!, values.export), options)
    const problems = validate(manifest, { argoVersion })
    if (problems.length) return failWith(io, problems, 'compiled manifest: ')
    const text = values.json ? `${JSON.stringify(manifest, null, 2)}\n` : toYaml(manifest)
    if (values.output !== undefined) writeFileSync(values.output, text)
    else io.out(text)
    return 0
  })
}
