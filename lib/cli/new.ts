import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { compile, toYaml } from 'dflow-ts/argo'
import { packageFile } from '../loader/package-files.ts'
import { loadWorkflow } from './load.ts'
import { GOLDEN, opPackage, workflowFile, type ToolVersions } from './scaffold.ts'

const HELP = `Usage: dflow new workflow NAME      write NAME.ts, a runnable workflow file
       dflow new op NAME [options]     write NAME/, a package of one typed function OP

The op package holds the OP (src/NAME.ts), its uvu tests, a README, a workflow using it and
that workflow's golden Argo manifest; \`npm install && npm test\` in it passes as written.
NAME: lower-case letters, digits and dashes, starting with a letter.

Options (op):
  --dir DIR          where to write the package (default: ./NAME)
  --dflow-ts SPEC    its dependency on dflow-ts: a version range (default: ^ this dflow-ts's
                     version), or the path of a dflow-ts folder or packed .tgz
  -h, --help         show this text

Exit status: 0 when written, 2 for bad usage or when a file is in the way.`

const NAME = /^[a-z][a-z0-9-]*$/

const ownPackage = (): { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> } =>
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8'))

/** The tool versions of this package, given to the scaffold. @example toolVersions().typescript // '^5.9.3' */
const toolVersions = (): ToolVersions => {
  const { dependencies: d, devDependencies: dev } = ownPackage()
  return { typescript: dev['typescript']!, tsx: d['tsx']!, uvu: dev['uvu']!, '@types/node': dev['@types/node']! }
}

/** A version range as given; a path (of a folder or a .tgz) as an absolute `file:` spec. */
const dependencySpec = (spec: string | undefined): string => {
  if (spec === undefined) return `^${ownPackage().version}`
  return existsSync(spec) || spec.includes('/') || spec.endsWith('.tgz') ? `file:${resolve(spec)}` : spec
}

const writeAll = (dir: string, files: Readonly<Record<string, string>>): void => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text, { flag: 'wx' })
  }
}

/**
 * `dflow new workflow NAME` and `dflow new op NAME`: writes a workflow file, or a package of one function OP
 * whose golden manifest is compiled here. Returns the exit code.
 *
 * @example
 * ```ts
 * await main(['op', 'word-count', '--dflow-ts', '../dflow-ts-0.1.0.tgz']) // 0: word-count/ written
 * ```
 */
export const main = async (argv: readonly string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { dir: { type: 'string' }, 'dflow-ts': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) return console.log(HELP), 0
  const [kind, name, ...extra] = positionals
  if ((kind !== 'op' && kind !== 'workflow') || name === undefined || extra.length > 0) return console.error(HELP), 2
  if (!NAME.test(name)) return console.error(`dflow new: name "${name}" must be lower-case letters, digits and dashes, starting with a letter`), 2
  if (kind === 'workflow') {
    const file = `${name}.ts`
    if (existsSync(file)) return console.error(`dflow new: ${file} exists; choose another name`), 2
    writeAll('.', { [file]: workflowFile(name) })
    console.log(`wrote ${file}: run it with  npx dflow run ${file}`)
    return 0
  }
  const dir = resolve(values.dir ?? name)
  if (existsSync(dir)) return console.error(`dflow new: ${dir} exists; choose another name or --dir`), 2
  writeAll(dir, opPackage({ name, dflowTs: dependencySpec(values['dflow-ts']), versions: toolVersions() }))
  writeFileSync(join(dir, GOLDEN), toYaml(compile(await loadWorkflow(join(dir, 'workflow.ts')))))
  console.log(`wrote ${dir}: cd into it, then  npm install && npm test`)
  return 0
}
