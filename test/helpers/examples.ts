import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Workflow } from 'dflow-ts'
import { repoRoot } from '../argo/support/shared.ts'

const walk = (d: string): string[] =>
  readdirSync(d)
    .sort()
    .flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.ts') && !f.endsWith('.d.ts') ? [join(d, f)] : []))

/**
 * Every example file (examples/**\/NAME.ts, each default-exporting a workflow), sorted, as absolute paths.
 *
 * @example exampleFiles().map((f) => relative(repoRoot, f)) // ['examples/argo/arguments-parameters.ts', …]
 */
export const exampleFiles = (): readonly string[] => walk(join(repoRoot, 'examples'))

/** The example's path under the repository root. @example exampleName(f) // 'examples/dag.ts' */
export const exampleName = (file: string): string => relative(repoRoot, file)

/**
 * The workflow an example file default-exports; throws naming the file when it exports none.
 *
 * @example const wf = await loadExample(exampleFiles()[0])
 */
export const loadExample = async (file: string): Promise<Workflow<any>> => {
  const wf = ((await import(pathToFileURL(file).href)) as { default?: Workflow<any> }).default
  if (!wf || wf._tag !== 'Workflow') throw new Error(`${exampleName(file)} must default-export a workflow`)
  return wf
}

/**
 * Values for an example's workflow artifacts (examples/artifacts/workflow-artifacts.ts): one small text file
 * each, written under `dir` — what a test passes as `run(wf, { artifacts })`. Empty for an example with none.
 *
 * @example await local().run(wf, { artifacts: exampleArtifacts(wf, tmp.path) })
 */
export const exampleArtifacts = (wf: Workflow<any>, dir: string): Record<string, string> => {
  const names = Object.keys(wf.artifacts ?? {})
  if (names.length === 0) return {}
  const file = join(dir, 'example-artifact.txt')
  writeFileSync(file, 'one\ntwo\nthree\nfour\n')
  return Object.fromEntries(names.map((k) => [k, file]))
}
