/**
 * dflow-ts on Argo Workflows: `compile` turns a workflow value into an Argo manifest (pure data, no
 * cluster), `validate` checks a manifest against Argo's own JSON schema plus a lint of the rules the schema
 * cannot see; `argo(…)` submits, follows, queries and controls workflows on a cluster (through
 * `@kubernetes/client-node`, loaded on first use); `startServer` is the local API server `dflow server` runs.
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
export { compile, compileWithTemplates } from './compile.ts'
export { esbuildBundler, type Bundler } from '../fn/bundle.ts'
export type { PodPlan } from '../fn/argo-main.ts'
export { resolveOptions, DEFAULTS, type CompileOptions, type ResolvedOptions, type ArgoVersion, type Executor } from './options.ts'
export { batchPods, batchOf, type BatchPodOptions, type PodBatchJob, type PodBatchSystem, type PodJobShape, type TemplateBatch } from './batch-pod.ts'
export { POD_BATCH_COMMANDS, type PodBatchCommands, type PodBatchSystemName } from './batch-pod-systems.ts'
export type { ArgoWorkflow, ArgoTemplate, ArgoCall, ArgoTask, ArgoParameter, ArgoArtifact, ArgoIo, ArgoScript, ArgoHook } from './manifest.ts'
export { podPath, inputArtifactPath, outputPath } from './paths.ts'
export { validate } from './validate.ts'
export { schemaProblems, ARGO_KINDS, type ArgoKind } from './schema.ts'
export { lint } from './lint/index.ts'
export { toYaml, parseYaml, type ParsedYaml } from './yaml.ts'
export { importWorkflow, type ImportOptions, type Imported } from './import/index.ts'
export type { S3Access } from './import/s3-artifact.ts'
export { defaultMemoizeDir } from './import/memoize.ts'
export { defaultSyncDir, holdLocks, type Lock } from './import/sync.ts'
export { DEFAULT_KEY_FORMAT, parseRef, repositoryConfigMap, type ArtifactRepository, type S3Repository, type SecretKey, type S3Place } from './repository.ts'
export { argo, type ArgoClient, type ArgoConfig, type ArgoRun, type ResubmitOptions } from './client/argo.ts'
export { argoRunView, argoViewCache, stepIdOf, type ArgoRunView, type ArgoStepView, type ArgoViewCache, type NodeStatus, type RepositoryView } from './client/run-view.ts'
export type { ArtifactAccess } from './client/artifact-repository.ts'
export { watchWorkflows, type WatchOptions, type WorkflowEvent } from './client/watch.ts'
export { formulateRetry } from './client/retry.ts'
export { resubmitManifest, RESUBMITTED_FROM, type EarlierWorkflow, type Resubmitted } from './resubmit.ts'
export { withMemoize, memoParam, MEMO_OUTPUT, MEMOIZE_DEFAULTS, type MemoizeOptions } from './memoize.ts'
export { templateDigest, templateManifest, type TemplateParts } from '../run/template-digest.ts'
export { leafParts } from '../fn/leaf-parts.ts'
export { KubeError } from './client/kube-error.ts'
export type { ClusterConfig } from './client/kube-config.ts'
export type { ArgoApi } from './client/kube-api.ts'
export type { KubeObject, ObjectMeta, WatchEvent } from './kube-object.ts'
export { startServer, type ServerOptions, type ApiServer } from './server/api-server.ts'
export type { PodLog } from './server/controller.ts'
export type { Selector } from './server/selectors.ts'
export type { Change } from './server/object-store.ts'
export type { Runner, RunControl, RunOutcome, NodeReport, NodeIo, NodePhase, NodeType, Shutdown } from './server/runner.ts'
export { nodeId, podName, groupNodeName, stepNodeName, taskNodeName, itemNodeName, attemptNodeName, displayNameOf, fnv32a } from './node-names.ts'
