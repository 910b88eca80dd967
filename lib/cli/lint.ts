import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { formatProblem, problem } from 'dflow-ts'
import { ARGO_KINDS, compile, parseYaml, validate, type ArgoKind } from 'dflow-ts/argo'
import { argoVersionOf, failWith, guarded, STDIO, type CliIo } from './compile.ts'
import { loadWorkflow } from './load.ts'
import { ARTIFACT_FLAGS, ARTIFACT_HELP, artifactOptions } from './artifact-options.ts'

const HELP = `Usage: dflow lint FILE.ts|FILE.yaml [options]

Checks Argo manifests against Argo's JSON schema (closed objects, int-or-string)
and the rules the schema cannot see (template references, names, DAG depends and
cycles, {{…}} references). A .ts file is compiled first (its default export);
a .yaml/.yml/.json file may hold any number of hand-written Argo documents.

Options:
      --argo-version V   v4.1 (default) or v3.7
A .ts file is compiled with the artifact options of dflow compile:
${ARTIFACT_HELP}  -h, --help             show this text

Exit code: 0 when every document is valid, 1 otherwise (also for a file that holds no
Argo document: empty, a list, a word, or only documents of other API groups).
`

const EXPECTED = `expected an Argo manifest: a mapping with apiVersion: argoproj.io/v1alpha1 and kind: ${ARGO_KINDS.join(', ')}`

/** What a YAML document is, in words. @example shapeOf([1]) // 'a list' */
const shapeOf = (doc: unknown): string =>
  Array.isArray(doc) ? 'a list' : typeof doc === 'object' && doc !== null ? 'a mapping' : `a ${typeof doc} (${JSON.stringify(doc).slice(0, 40)})`

/**
 * `dflow lint FILE.ts|FILE.yaml`: validates the manifest a workflow file compiles to, or every Argo
 * document of a YAML or JSON file (documents of other API groups, such as a ConfigMap, are skipped with a note;
 * a file with no Argo document, a document that is not a mapping or a mapping without apiVersion and kind is an error). Prints each
 * problem as `FILE#DOC path: message [rule]`.
 *
 * @example
 * ```ts
 * await main(['wf.yaml']) // 0 when valid
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = STDIO): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
  if (positionals.length < 1) return io.err(HELP), 2
  return guarded(io, async () => {
    const argoVersion = argoVersionOf(values['argo-version'])
    let failed = 0
    for (const file of positionals) {
      let docs: readonly unknown[]
      if (/\.[cm]?[jt]s$/.test(file)) docs = [compile(await loadWorkflow(file), { argoVersion, ...artifactOptions(args.values) })]
      else {
        const parsed = parseYaml(readFileSync(file, 'utf8'))
        if (!parsed.ok) {
          failed += failWith(io, parsed.problems, `${file}: `)
          continue
        }
        docs = parsed.documents
      }
      if (!docs.length) {
        failed += failWith(io, [problem([file], 'no document', EXPECTED)])
        continue
      }
      const failedBefore = failed
      let linted = 0
      docs.forEach((doc, i) => {
        const where = docs.length > 1 ? `${file}#${i}` : file
        const shape = shapeOf(doc)
        if (shape !== 'a mapping') return void (failed += failWith(io, [problem([where], `not an Argo document: got ${shape}`, EXPECTED)]))
        const { kind, apiVersion } = doc as { kind?: unknown; apiVersion?: unknown }
        if (kind === undefined && apiVersion === undefined) return void (failed += failWith(io, [problem([where], 'not an Argo document: a mapping without apiVersion and kind', EXPECTED)]))
        const argo = ARGO_KINDS.includes(kind as ArgoKind) || (typeof apiVersion === 'string' && apiVersion.startsWith('argoproj.io'))
        if (!argo) return io.out(`${where}: skipped (${String(apiVersion)} ${String(kind)} is not an Argo document)\n`)
        linted++
        const problems = validate(doc, { argoVersion })
        if (!problems.length) return io.out(`${where}: valid ${String(kind)}\n`)
        failed++
        for (const p of problems) io.err(`${where} ${formatProblem(p)}\n`)
      })
      if (!linted && failed === failedBefore) failed += failWith(io, [problem([file], 'no Argo document among its documents', EXPECTED)])
    }
    return failed ? 1 : 0
  })
}
