/*
 * The narrow slice of Argo's Workflow resource that the compiler emits, as plain JSON-shaped types. Field
 * names are Argo's; everything is optional where Argo's schema says so. Container options a user passes
 * through (tolerations, affinity, volumes…) stay `unknown`-valued records: they are Kubernetes' data.
 *
 * @example
 * ```ts
 * const p: ArgoParameter = { name: 'message', value: 'hello world' }
 * ```
 */

/** A parameter: an argument, an input or an output declaration. @example { name: 'n', default: '1' } */
export interface ArgoParameter {
  readonly name: string
  readonly value?: string
  readonly default?: string
  readonly description?: string
  readonly valueFrom?: {
    readonly path?: string
    readonly default?: string
    readonly parameter?: string
    /** An expr-lang expression choosing the value (conditional outputs). */
    readonly expression?: string
  }
  /** On an output: also the workflow output of this name (`workflow.outputs.parameters.NAME`). */
  readonly globalName?: string
}

/** An artifact: an argument (`from`), an input (`path`) or an output (`path` or `from`). @example { name: 'bar', path: '/tmp/workdir/bar.txt' } */
export interface ArgoArtifact {
  readonly name: string
  readonly path?: string
  readonly from?: string
  /** An expr-lang expression choosing the artifact (conditional outputs). */
  readonly fromExpression?: string
  readonly optional?: boolean
  /** On an output: also the workflow output of this name (`workflow.outputs.artifacts.NAME`). */
  readonly globalName?: string
  readonly [location: string]: unknown
}

/** Parameters and artifacts: a template's inputs or outputs, or a call's arguments. @example { parameters: [{ name: 'n', value: '1' }] } */
export interface ArgoIo {
  readonly parameters?: readonly ArgoParameter[]
  readonly artifacts?: readonly ArgoArtifact[]
}

/** What a step or a task shares: a name, the template it calls, its arguments. @example { name: 'A', template: 'echo' } */
export interface ArgoCall {
  readonly name: string
  readonly template: string
  readonly arguments?: ArgoIo
  readonly continueOn?: { readonly failed?: boolean; readonly error?: boolean }
  /** Run only when this is true (an expression tag); else the node is Skipped. */
  readonly when?: string
  readonly withItems?: readonly unknown[]
  readonly withParam?: string
  readonly withSequence?: Readonly<Record<string, string>>
  /** `exit`: a template called when the step ends; any other name: one called once its `expression` holds. */
  readonly hooks?: Readonly<Record<string, ArgoHook>>
}

/** A task of a DAG template. @example { name: 'D', template: 'echo', depends: 'B && C' } */
export interface ArgoTask extends ArgoCall {
  readonly depends?: string
  readonly dependencies?: readonly string[]
}

/** The container of a script template (Argo's `ScriptTemplate`). @example { image: 'alpine:3.20', command: ['sh'], source: 'echo hi' } */
export interface ArgoScript {
  readonly image: string
  readonly command: readonly string[]
  readonly source: string
  readonly imagePullPolicy?: string
  readonly workingDir?: string
  readonly env?: readonly { readonly name: string; readonly value: string }[]
  readonly resources?: unknown
  readonly volumeMounts?: readonly unknown[]
  readonly [field: string]: unknown
}

/** One template of a manifest: a script (leaf), a steps template or a DAG template. @example { name: 'echo', script: { … } } */
export interface ArgoTemplate {
  readonly name: string
  readonly inputs?: ArgoIo
  readonly outputs?: ArgoIo
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> }
  readonly script?: ArgoScript
  readonly steps?: readonly (readonly ArgoCall[])[]
  readonly dag?: { readonly failFast?: false; readonly tasks: readonly ArgoTask[] }
  readonly serviceAccountName?: string
  readonly nodeSelector?: Readonly<Record<string, string>>
  readonly tolerations?: readonly unknown[]
  readonly affinity?: unknown
  readonly [field: string]: unknown
}

/** A whole Workflow resource. @example { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'steps-' }, spec: { … } } */
export interface ArgoWorkflow {
  readonly apiVersion: 'argoproj.io/v1alpha1'
  readonly kind: 'Workflow'
  readonly metadata: {
    readonly name?: string
    readonly generateName?: string
    readonly namespace?: string
    readonly labels?: Readonly<Record<string, string>>
    readonly annotations?: Readonly<Record<string, string>>
  }
  readonly spec: {
    readonly entrypoint: string
    readonly onExit?: string
    readonly hooks?: Readonly<Record<string, ArgoHook>>
    readonly arguments?: ArgoIo
    readonly serviceAccountName?: string
    readonly parallelism?: number
    readonly podGC?: { readonly strategy: string }
    readonly artifactRepositoryRef?: { readonly configMap?: string; readonly key?: string }
    readonly volumes?: readonly unknown[]
    readonly templates: readonly ArgoTemplate[]
  }
}

/** A lifecycle hook (Argo's `LifecycleHook`): the template it calls, its arguments, the condition it waits for. @example const h: ArgoHook = { template: 'notify', expression: "steps['a'].status == 'Running'" } */
export interface ArgoHook {
  readonly template: string
  readonly arguments?: ArgoIo
  readonly expression?: string
}
