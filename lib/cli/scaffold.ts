/**
 * The files `dflow new` writes, as data (path → text): a workflow file, or a package of one typed function
 * OP (dflow's dflow-op-cutter) with its uvu tests, a README, a workflow using it and (written by the command)
 * its golden Argo manifest.
 *
 * @example
 * ```ts
 * Object.keys(opPackage({ name: 'word-count', dflowTs: '^0.1.0', versions })) // ['package.json', 'tsconfig.json', …]
 * ```
 */

/** Versions the scaffold's package.json gives its development tools (this package's own). @example const v: ToolVersions = { typescript: '^5.9.3', tsx: '^4.23.15', uvu: '^0.5.6', '@types/node': '^20.19.43' } */
export type ToolVersions = Readonly<Record<'typescript' | 'tsx' | 'uvu' | '@types/node', string>>

/** What a scaffold is made from. @example const o: OpOptions = { name: 'word-count', dflowTs: 'file:../dflow-ts-0.1.0.tgz', versions } */
export interface OpOptions {
  /** The package name, and the OP's (lower-case letters, digits and dashes). */
  readonly name: string
  /** The dependency on dflow-ts: a version range, or `file:` a path to a folder or tarball. */
  readonly dflowTs: string
  readonly versions: ToolVersions
}

/** `word-count` → `wordCount`. @example camelOf('word-count') // 'wordCount' */
export const camelOf = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** The golden manifest's file, beside the workflow. @example GOLDEN // 'workflow.argo.yaml' */
export const GOLDEN = 'workflow.argo.yaml'

/**
 * A runnable workflow file with the imports a user needs: two shell steps, the second reading the first's
 * typed output.
 *
 * @example
 * ```ts
 * workflowFile('hello') // "import { param, seq, sh, shell, step, t, workflow } from 'dflow-ts'\n…"
 * ```
 */
export const workflowFile = (name: string): string => `// A workflow: run it with \`npx dflow run ${name}.ts\`, compile it for Argo with \`npx dflow compile ${name}.ts\`.
import { param, seq, sh, shell, step, t, workflow } from 'dflow-ts'

const count = shell({
  name: 'count',
  inputs: { text: param(t.string) },
  outputs: { words: param(t.number, { path: 'words.txt' }) },
  script: ({ text }) => sh\`echo \${text} | wc -w > words.txt\`,
})

const report = shell({
  name: 'report',
  inputs: { words: param(t.number) },
  script: ({ words }) => sh\`echo "the text has \${words} words"\`,
})

const c = step('count', count, { text: 'the quick brown fox' })
export default workflow('${name}', seq(c, step('report', report, { words: c.outputs.words })))
`

/**
 * The files of a package of one function OP (the golden manifest excepted: the command compiles it).
 *
 * @example
 * ```ts
 * opPackage({ name: 'word-count', dflowTs: '^0.1.0', versions })['src/word-count.ts'] // "import { fn, param, t } from 'dflow-ts'…"
 * ```
 */
export const opPackage = ({ name, dflowTs, versions }: OpOptions): Readonly<Record<string, string>> => {
  const op = camelOf(name)
  const pkg = {
    name,
    version: '0.1.0',
    description: `The ${name} function OP for dflow-ts workflows.`,
    type: 'module',
    exports: { '.': './src/' + name + '.ts' },
    scripts: {
      test: `tsc -p . && node --import tsx test/${name}.test.ts`,
      workflow: 'dflow run workflow.ts',
      golden: `dflow compile workflow.ts -o ${GOLDEN}`,
    },
    dependencies: { 'dflow-ts': dflowTs },
    devDependencies: { '@types/node': versions['@types/node'], tsx: versions.tsx, typescript: versions.typescript, uvu: versions.uvu },
  }
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      types: ['node'],
    },
    include: ['src', 'test', 'workflow.ts'],
  }
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(tsconfig, null, 2) + '\n',
    '.gitignore': 'node_modules/\n.dflow-runs/\n',
    [`src/${name}.ts`]: `import { fn, param, t } from 'dflow-ts'

/**
 * The ${name} OP: repeats a message a number of times. Inputs are decoded by their codecs before the body
 * runs, and outputs checked after it returns; on Argo it becomes a \`node\` script template.
 *
 * @example
 * \`\`\`ts
 * step('${name}', ${op}, { msg: 'hi ', times: 2 }) // outputs.msg: 'hi hi '
 * \`\`\`
 */
export const ${op} = fn(
  {
    name: '${name}',
    module: import.meta.url,
    image: 'node:20-alpine',
    inputs: { msg: param(t.string), times: param(t.number, { default: 1 }) },
    outputs: { msg: param(t.string) },
  },
  ({ msg, times }) => ({ msg: msg.repeat(times) }),
)
`,
    'workflow.ts': `// A workflow using the OP: \`npx dflow run workflow.ts\`; its Argo manifest is ${GOLDEN} (\`npm run golden\`).
import { step, workflow } from 'dflow-ts'
import { ${op} } from './src/${name}.ts'

export default workflow('${name}-example', step('${name}', ${op}, { msg: 'Hello ', times: 3 }))
`,
    [`test/${name}.test.ts`]: `import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { step, workflow } from 'dflow-ts'
import { compile, toYaml, validate } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { ${op} } from '../src/${name}.ts'
import wf from '../workflow.ts'

const runsDir = mkdtempSync(join(tmpdir(), '${name}-'))
test.after(() => rmSync(runsDir, { recursive: true, force: true }))

test('${name} repeats its message', async () => {
  const run = await local({ runsDir }).run(workflow('repeat', step('r', ${op}, { msg: 'ab', times: 3 })))
  assert.is(run.status, 'Succeeded')
  assert.is(run.step('r').outputs.msg, 'ababab')
})

test('times defaults to 1', async () => {
  const run = await local({ runsDir }).run(workflow('once', step('r', ${op}, { msg: 'ab' })))
  assert.is(run.step('r').outputs.msg, 'ab')
})

test('the workflow runs locally', async () => {
  const run = await local({ runsDir }).run(wf)
  assert.is(run.status, 'Succeeded')
  assert.is(run.step('${name}').outputs.msg, 'Hello Hello Hello ')
})

test('the workflow compiles to a valid Argo manifest equal to ${GOLDEN} (npm run golden rewrites it)', () => {
  const manifest = compile(wf)
  assert.equal(validate(manifest), [])
  assert.fixture(toYaml(manifest), readFileSync(new URL('../${GOLDEN}', import.meta.url), 'utf8'))
})

test.run()
`,
    'README.md': `# ${name}

A typed function OP for [dflow-ts](https://www.npmjs.com/package/dflow-ts) workflows: \`${op}\` in
\`src/${name}.ts\` repeats a message \`times\` times. Locally it runs in a Node worker process; on Argo it
compiles to a \`node\` script template holding the bundled module.

\`\`\`sh
npm install
npm test                        # type-check, then the OP's tests (uvu): local runs and the golden manifest
npx dflow run workflow.ts       # run the example workflow locally
npm run golden                  # rewrite ${GOLDEN} after changing the OP
\`\`\`

Use it from a workflow:

\`\`\`ts
import { step, workflow } from 'dflow-ts'
import { ${op} } from '${name}'

export default workflow('uses-${name}', step('repeat', ${op}, { msg: 'hi ', times: 2 }))
\`\`\`
`,
  }
}
