import { problem, type IoSpec, type Problem } from 'dflow-ts'
import type { ArgoTemplate } from './manifest.ts'

/**
 * A compiled template with its workflow outputs: each output the DSL declares with `global: NAME` gets Argo's
 * `globalName: NAME` (the controller's addOutputsToGlobalScope then sets `workflow.outputs.parameters|artifacts.NAME`
 * when the node completes). An exported output with no Argo output of its name (a stdout output, Argo's
 * `result`, has none) is a problem.
 *
 * @example
 * ```ts
 * withGlobals(gen.outputs, template, ['templates', 'gen'])
 * // { template: { …, outputs: { parameters: [{ name: 'msg', valueFrom: { path: '/tmp/workdir/m.txt' }, globalName: 'greeting' }] } }, problems: [] }
 * ```
 */
export const withGlobals = (outputs: IoSpec, a: ArgoTemplate, path: readonly string[]): { template: ArgoTemplate; problems: Problem[] } => {
  const exported = Object.entries(outputs).filter(([, s]) => s.global !== undefined)
  if (!exported.length) return { template: a, problems: [] }
  const problems: Problem[] = []
  const mark = <T extends { readonly name: string }>(list: readonly T[] | undefined, tag: 'Param' | 'Artifact'): readonly T[] | undefined =>
    list?.map((x) => {
      const s = outputs[x.name]
      return s?._tag === tag && s.global !== undefined ? { ...x, globalName: s.global } : x
    })
  const out = a.outputs ?? {}
  for (const [name, s] of exported) {
    const list = s._tag === 'Param' ? out.parameters : out.artifacts
    if (!list?.some((x) => x.name === name))
      problems.push(problem([...path, 'outputs', name, 'global'], `output "${name}" is not an output ${s._tag === 'Param' ? 'parameter' : 'artifact'} of the compiled template, so it cannot be a workflow output`, 'export an output read from a file (a stdout output is Argo\'s result, which has no globalName)'))
  }
  const parameters = mark(out.parameters, 'Param')
  const artifacts = mark(out.artifacts, 'Artifact')
  return { template: { ...a, outputs: { ...out, ...(parameters ? { parameters } : {}), ...(artifacts ? { artifacts } : {}) } }, problems }
}
