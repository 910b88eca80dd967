import * as assert from 'uvu/assert'
import { formatProblem, type Workflow } from 'dflow-ts'
import { compile, validate, type ArgoWorkflow, type CompileOptions } from 'dflow-ts/argo'

/**
 * Compiles a workflow and asserts that the manifest passes Argo's schema and the lint: every test that
 * compiles goes through here, so every manifest the suite builds is validated.
 *
 * @example
 * ```ts
 * const m = compileChecked(wf)
 * ```
 */
export const compileChecked = (wf: Workflow, options: CompileOptions = {}): ArgoWorkflow => {
  const manifest = compile(wf, options)
  const problems = validate(manifest, { argoVersion: options.argoVersion ?? 'v4.1' })
  assert.equal(problems.map(formatProblem), [], `manifest of ${wf.name} is invalid`)
  return manifest
}

/** The template of a manifest by name. @example templateNamed(m, 'hello').script?.image */
export const templateNamed = (m: ArgoWorkflow, name: string) => {
  const t = m.spec.templates.find((x) => x.name === name)
  assert.ok(t, `no template ${name} in ${m.spec.templates.map((x) => x.name).join(', ')}`)
  return t!
}
