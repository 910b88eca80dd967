/**
 * dflow-ts on Argo Workflows: `compile` turns a workflow value into an Argo manifest (pure data, no
 * cluster), `validate` checks a manifest against Argo's own JSON schema plus a lint of the rules the schema
 * cannot see.
 *
 * @example
 * ```ts
 * import { compile, validate, toYaml } from 'dflow-ts/argo'
 * const manifest = compile(wf)
 * validate(manifest) // []
 * console.log(toYaml(manifest))
 * ```
 *
 * @module dflow-ts/argo
 */
export { compile } from './compile.ts'
export { esbuildBundler, type Bundler } from '../fn/bundle.ts'
export type { PodPlan } from '../fn/argo-main.ts'
export { resolveOptions, DEFAULTS, type CompileOptions, type ResolvedOptions, type ArgoVersion, type Executor } from './options.ts'
export type { ArgoWorkflow, ArgoTemplate, ArgoCall, ArgoTask, ArgoParameter, ArgoArtifact, ArgoIo, ArgoScript } from './manifest.ts'
export { podPath, inputArtifactPath, outputPath } from './paths.ts'
export { validate } from './validate.ts'
export { schemaProblems, ARGO_KINDS, type ArgoKind } from './schema.ts'
export { lint } from './lint/index.ts'
export { toYaml, parseYaml, type ParsedYaml } from './yaml.ts'
