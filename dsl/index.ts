/**
 * dflow-ts: workflows as immutable values. This module is the language: pure data built by pure
 * functions, importing no I/O. Interpreters live in `dflow-ts/local` (and later `./argo`, `./dispatcher`).
 *
 * @example
 * ```ts
 * import { shell, step, seq, workflow, sh, param, t } from 'dflow-ts'
 * const hello = shell({ name: 'hello', outputs: { n: param(t.number, { path: 'n.txt' }) }, script: () => sh`echo 1 > n.txt` })
 * const wf = workflow('hello', seq(step('a', hello)))
 * ```
 *
 * @module dflow-ts
 */
export { t, encodeParam, decodeParam, codecsCompatible, finite, type Codec, type Decoded } from './codec.ts'
export { outputValueOf, outputTextOf } from './output-text.ts'
export { param, artifact, isOptional, type ParamSpec, type ArtifactSpec, type ArtifactShape, type Archive, type IoSpec, type ParamOptions, type ArtifactOptions } from './io.ts'
export { isRef, refsOf, workflowOutput, workflowOutputArtifact, type ParamRef, type ArtifactRef, type OutputPath, type Ref, type RefSource, type RefsOf, type OutputPathsOf } from './refs.ts'
export { sh, shRenderer } from './script/sh.ts'
export { py, pyRenderer } from './script/py.ts'
export { render, DEFAULT_COMMAND } from './script/renderers.ts'
export { ctx, scalarsOf, fileVarOf, envNameOf, type RenderOptions, type Script, type Segment, type HoleValue, type Scalar, type Literal, type Raw, type ContextVar, type EnvBinding, type RenderedScript, type Lang, type HoleContext, type LangRenderer } from './script/script.ts'
export { BATCH_JOB_KEYS, BATCH_SYSTEM_NAMES, batchProblems, stepBatchProblems, type BatchJobOptions, type BatchSettings } from './batch.ts'
export { script, shell, type ScriptTemplate, type ScriptFields, type ShellFields, type ContainerOptions } from './template.ts'
export { step } from './step.ts'
export { callsOf, rootsOf } from './hooks.ts'
export { seq, par, dag } from './combinators.ts'
export { subflow, type SpecsOfRefs, type SubflowBody, type SubflowFields, type Exposes } from './subflow.ts'
export { workflow } from './workflow.ts'
export { localArtifact, foldNode, type Node, type When, type ForEach, type NodeTag, type NodeCases, type Step, type Seq, type Par, type Dag, type Subflow, type Template, type LeafTemplate, type SuccessThreshold, type Workflow, type WorkflowOptions, type ParamsSpec, type ArtifactsSpec, type StepOptions, type ContinueOn, type Arg, type ParamArg, type ArtifactArg, type ArgsOf, type LocalArtifact, type LifecycleHook, type NamedHook } from './node.ts'
export { ALL_FEATURES, type Feature, type ValidateOptions } from './features.ts'
export { validate, stepsIn, templatesOf, externalDeps, refsOfStep, condRefsIn, sourceRefs } from './validate.ts'
export { checkName, type NameKind } from './names.ts'
export { findCycle } from './cycle.ts'
export { problem, formatProblem, DflowError, type Problem } from './problem.ts'
export { fn, type FnTemplate, type FnFields, type FnBody, type FnContext, type FnInputsOf, type FnOutputsOf, type ArtifactValueOf } from './fn/fn.ts'
export { artifactList, artifactRecord, artifactNested, bigParam, type NestedPaths } from './fn/shapes.ts'
export { TransientError, FatalError, EXIT } from './fn/errors.ts'
export { effectivePolicy, retryPolicyOf, timeoutOf, failurePolicyProblems, type Retry, type RetryPolicy, type Backoff, type Timeout, type FailurePolicy } from './retry.ts'
export { requiredSuccesses } from './threshold.ts'
export { cachedIn, cacheProblems, type CachePolicy } from './cache.ts'
export * from './expr/index.ts'
export * from './control/index.ts'
