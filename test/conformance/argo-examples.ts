/**
 * What each labelled upstream Argo example (../shared/argo/examples-catalogue.json: `no-test` empty or
 * `expected-failure`) is expected to do when imported and run locally, with the rule the expectation follows,
 * and why the others are not run. The conformance test (argo-examples.heavy.test.ts) runs them; README.md's
 * table lists every one of NOT_RUN with its reason.
 */

/** Rules the expected phases follow. */
export const RULE = {
  ci: "no `no-test` label: Argo's CI runs it and requires Succeeded",
  failure: 'expected-failure: a step fails and nothing continues it, so the workflow ends Failed',
  continued: 'expected-failure, but the only failure is continued (continueOn.failed), so the workflow Succeeds (as status-reference)',
  library: 'a template library: each runnable document (one with an entrypoint) is run as `argo submit --from` would, and Succeeds; the others import',
  cron: 'a CronWorkflow: its workflowSpec is run once (as `argo submit --from cronwf/NAME`), and Succeeds',
  data: 'a ConfigMap: read as a --configmap file (arguments-parameters-from-configmap uses it)',
  event: "a WorkflowTemplate that a WorkflowEventBinding submits: run as its binding submits it (workflowTemplateRef, with the parameters the event gives), and Succeeds",
} as const

/** One expectation: the phase, the rule, and checks of documented outputs (step name → phase / output). */
export interface Expect {
  readonly phase: 'Succeeded' | 'Failed'
  readonly rule: string
  /** A time scale of its own, where sleeps and limits are close (the runner's start-up is not scaled). */
  readonly timeScale?: number
  /**
   * Per step: its phase, what it printed (`result`: its outputs.result where Argo keeps one, where its caller
   * mentions it; else its log, as `kubectl logs` shows it) and its outputs.
   */
  readonly steps?: Readonly<Record<string, { readonly phase?: string; readonly result?: string | RegExp; readonly outputs?: Readonly<Record<string, string>> }>>
  /** For RULE.event: the parameters the event binding passes (from the event's payload). */
  readonly event?: Readonly<Record<string, string>>
  /** The run's workflow outputs (`globalName`) that must be in its record, parameters by name. */
  readonly workflowOutputs?: Readonly<Record<string, string>>
  /** Steps that must not be in the run (a dag's target leaves them out). */
  readonly absent?: readonly string[]
  /**
   * The example succeeds by chance, in Argo's own CI too: a retried step exits 1 with probability 2/3 on each of
   * its `attempts` (limit + 1), so about one run in a hundred ((2/3)^11 ≈ 1.2%) fails every attempt. A Failed end
   * is accepted only as that: every failed step ran all its attempts and each one exited 1 (see `byChance`).
   */
  readonly chance?: { readonly attempts: number }
}

/**
 * Whether a Failed end of an example that should Succeed is the chance its `chance` names: some step failed, and
 * every failed step's attempts (their exit codes) are all `attempts` of them, each 1. Never for other examples.
 *
 * @example
 * ```ts
 * byChance({ phase: 'Succeeded', rule: RULE.ci, chance: { attempts: 2 } }, [[1, 1]]) // true
 * byChance({ phase: 'Succeeded', rule: RULE.ci, chance: { attempts: 2 } }, [[1]])    // false: a retry was lost
 * ```
 */
export const byChance = (e: Expect, failed: readonly (readonly (number | undefined)[])[]): boolean =>
  e.chance !== undefined && failed.length > 0 && failed.every((codes) => codes.length === e.chance!.attempts && codes.every((c) => c === 1))

/** Template libraries (and ConfigMaps) the runs are given, as `dflow run --template/--configmap` takes them. */
export const TEMPLATE_FILES = ['workflow-template/templates.yaml', 'cluster-workflow-template/clustertemplates.yaml', 'dag-inline-workflowtemplate.yaml', 'dag-inline-clusterworkflowtemplate.yaml']
export const CONFIGMAP_FILES = ['configmaps/simple-parameters-configmap.yaml']

const ci = (steps?: Expect['steps']): Expect => ({ phase: 'Succeeded', rule: RULE.ci, ...(steps ? { steps } : {}) })
/** An example whose retried `random.choice([0, 1, 1])` step (limit 10) succeeds by chance. */
const CHANCE = { chance: { attempts: 11 } } as const

/** Examples run, with what they must end as. */
export const EXPECTED: Readonly<Record<string, Expect>> = {
  'archive-location.yaml': ci(),
  'arguments-parameters-from-configmap.yaml': ci(),
  'arguments-parameters.yaml': ci(),
  'artifact-passing.yaml': ci({ 'consume-artifact': { result: 'hello world' } }),
  'artifact-repository-ref.yaml': ci(),
  'cluster-workflow-template/cluster-wftmpl-dag.yaml': ci(),
  'cluster-workflow-template/workflow-template-ref-with-entrypoint-arg-passing.yaml': ci(),
  'cluster-workflow-template/workflow-template-ref.yaml': ci(),
  'cluster-workflow-template/mixed-cluster-namespaced-wftmpl-steps.yaml': ci(),
  'cluster-workflow-template/clustertemplates.yaml': { phase: 'Succeeded', rule: RULE.library },
  'cron-when.yaml': { phase: 'Succeeded', rule: RULE.cron },
  'dag-inline-cronworkflow.yaml': { phase: 'Succeeded', rule: RULE.cron },
  'dag-inline-clusterworkflowtemplate.yaml': { phase: 'Succeeded', rule: RULE.library },
  'dag-inline-workflowtemplate.yaml': { phase: 'Succeeded', rule: RULE.library },
  'workflow-event-binding/github-path-filter-workflowtemplate.yaml': { phase: 'Succeeded', rule: RULE.library },
  'coinflip-recursive.yaml': ci(),
  'coinflip.yaml': ci({ 'flip-coin': { result: /^(heads|tails)$/ } }),
  'conditional-parameters.yaml': ci(),
  'configmaps/simple-parameters-configmap.yaml': { phase: 'Succeeded', rule: RULE.data },
  'container-set-template/graph-workflow.yaml': ci(),
  'container-set-template/outputs-result-workflow.yaml': ci(),
  'container-set-template/parallel-workflow.yaml': ci(),
  'container-set-template/sequence-workflow.yaml': ci(),
  'init-container.yaml': ci(),
  'pod-resources-template-override.yaml': ci(),
  'dag-diamond-steps.yaml': ci(),
  'dag-custom-metrics.yaml': ci(),
  'artifact-path-placeholders.yaml': ci({ 'artifact-path-placeholders': { outputs: { 'actual-lines-count': '3' } } }),
  'artifact-passing-subpath.yaml': ci({ 'consume-artifact': { result: 'hello world' } }),
  'conditionals-complex.yaml': ci(),
  'continue-on-fail.yaml': { phase: 'Succeeded', rule: RULE.continued },
  'dag-conditional-parameters.yaml': ci(),
  'dag-continue-on-fail.yaml': { phase: 'Failed', rule: RULE.failure, steps: { D: { phase: 'Succeeded' }, G: { phase: 'Omitted' } } },
  'dag-diamond.yaml': ci(),
  // failFast: false: C fails while B sleeps; D (after B) and E still start and succeed, and the dag then fails
  'dag-disable-failFast.yaml': { phase: 'Failed', rule: RULE.failure, steps: { C: { phase: 'Failed' }, D: { phase: 'Succeeded' }, E: { phase: 'Succeeded' } } },
  'dag-enhanced-depends.yaml': ci(),
  'dag-inline-workflow.yaml': ci(),
  'dag-multiroot.yaml': ci(),
  'default-pdb-support.yaml': ci(),
  'dns-config.yaml': ci(),
  'exit-code-output-variable.yaml': ci(),
  'exit-handler-step-level.yaml': ci(),
  'exit-handler-with-artifacts.yaml': ci(),
  'exit-handler-with-param.yaml': ci(),
  'exit-handlers.yaml': { phase: 'Failed', rule: RULE.failure, steps: { celebrate: { phase: 'Skipped' }, cry: { phase: 'Succeeded' } } },
  'gc-ttl.yaml': ci(),
  'global-parameters-from-configmap-referenced-as-local-variable.yaml': ci(),
  'global-parameters-from-configmap.yaml': ci(),
  'global-parameters.yaml': ci(),
  'hello-world.yaml': ci({ 'hello-world': { result: 'hello world' } }),
  'input-artifact-raw.yaml': ci(),
  'label-value-from-workflow.yaml': ci(),
  'loops.yaml': ci(),
  'output-parameter.yaml': ci({ 'consume-parameter': { result: 'hello world' } }),
  'parameter-aggregation-dag.yaml': ci(),
  'parameter-aggregation-script.yaml': ci(),
  'parameter-aggregation.yaml': ci(),
  'pod-metadata-wf-field.yaml': ci(),
  'pod-metadata.yaml': ci(),
  'pod-spec-from-previous-step.yaml': ci(),
  'pod-spec-patch-wf-tmpl.yaml': ci(),
  'pod-spec-patch.yaml': ci(),
  'pod-spec-yaml-patch.yaml': ci(),
  'retry-container.yaml': { ...ci(), ...CHANCE },
  'retry-script.yaml': { ...ci(), ...CHANCE },
  'scripts-bash.yaml': ci(),
  'scripts-javascript.yaml': ci(),
  'scripts-python.yaml': ci(),
  'skipped-output-defaults/consumer-input-default.yaml': ci(),
  // the dag's output is an expression over a skipped task's undefaulted output, nil there: `??` falls back
  'skipped-output-defaults/expression-fallback.yaml': ci({ 'expression-fallback': { outputs: { result: 'expr-fallback' } }, producer: { phase: 'Skipped' } }),
  'skipped-output-defaults/producer-output-default.yaml': ci(),
  'status-reference.yaml': ci(),
  'steps-inline-workflow.yaml': ci(),
  'steps.yaml': ci({ hello1: { result: 'hello1' }, hello2b: { result: 'hello2b' } }),
  'timeouts-step.yaml': { phase: 'Failed', rule: RULE.failure },
  'title-and-description-with-markdown.yaml': ci(),
  'volumes-emptydir.yaml': ci(),
  'volumes-existing.yaml': ci(),
  'volumes-pvc.yaml': ci({ print: { result: /hello world/ } }),
  'pod-resources.yaml': ci(),
  'cron-workflow.yaml': { phase: 'Succeeded', rule: RULE.cron },
  'cron-workflow-multiple-schedules.yaml': { phase: 'Succeeded', rule: RULE.cron },
  'withsequence-nested-result.yaml': ci(),
  'workflow-template/dag.yaml': ci(),
  'workflow-template/hello-world.yaml': ci(),
  'workflow-template/steps.yaml': ci(),
  'workflow-template/templates.yaml': { phase: 'Succeeded', rule: RULE.library },
  'workflow-template/workflow-archive-logs.yaml': ci(),
  'workflow-template/workflow-template-ref-with-entrypoint-arg-passing.yaml': ci(),
  'workflow-template/workflow-template-ref.yaml': ci(),
  'conditional-artifacts.yaml': ci(),
  'dag-conditional-artifacts.yaml': ci(),
  'dag-targets.yaml': { ...ci({ A: { result: 'A' }, C: { result: 'C' }, E: { result: 'E' } }), absent: ['B', 'D'] },
  'synchronization-mutex-wf-level.yaml': ci(),
  'key-only-artifact.yaml': ci({ consume: { result: 'hello' } }),
  'map-reduce.yaml': ci(),
  'expression-destructure-json.yaml': ci({ 'expression-destructure-json': { result: '123' } }),
  // jsonpath filters, a range and a wildcard (dsl/expr/jsonpath.ts): a = b = [43] (a filter gives a list), c is
  // Baris's record, d the three names. Argo 3.6+ writes a tag's list as JSON (expression_template.go's
  // json.Marshal) where this importer prints %v: c and d are checked in either printing, a and b are the same in both.
  'expression-destructure-json-complex.yaml': ci({ 'expression-destructure-json-complex': { result: /^\[43\]\[43\]\[(map\[age:43 name:Baris\]|\{"age":43,"name":"Baris"\})\]\[(Baris Mo Jai|"Baris","Mo","Jai")\]$/ } }),
  // a leaf's own {{= … }}: asInt of the item passed times 10, and sprig.date of the creation time (this year)
  'expression-tag-template-workflow.yaml': ci({ 'task-0(0)': { outputs: { output: `hello 30 @ ${new Date().getFullYear()}\n` } } }),
  // sprig.b64dec, sprig.add/min/max over `#[i]` in a map predicate, then jsonpath of the leaf's input in its env
  'expression-reusing-verbose-snippets.yaml': ci({ 'expression-reusing-verbose-snippets': { result: "The week's average temperature was 35.8 with a minimum of 15 and a maximum of 57." } }),
  'conditionals.yaml': ci({ 'print-hello-govaluate': { phase: 'Succeeded' }, 'print-hello-expr': { phase: 'Succeeded' }, 'print-hello-expr-json': { phase: 'Succeeded' } }),
  'artifact-gc-workflow.yaml': ci(),
  // event-consumer-workfloweventbinding.yaml submits it with appellation = payload.appellation
  'workflow-event-binding/event-consumer-workflowtemplate.yaml': { phase: 'Succeeded', rule: RULE.event, event: { appellation: 'Argo' }, steps: { a: { result: 'hello Argo' } } },
  'memoize-simple.yaml': ci({ memoized: { outputs: { hello: 'world' } } }),
  'container-set-template/workspace-workflow.yaml': ci({ workspace: { outputs: { out: 'hi' } } }),
  // the body's and the exit handler's consumers read the workflow outputs generate exported
  // daemons of this host's nginx (Debian nginx-light) and influxd (Debian influxdb), each probed over HTTP until ready
  'daemon-nginx.yaml': ci({ 'nginx-client': { result: /<title>Welcome to nginx!<\/title>/ } }),
  'daemon-step.yaml': ci({ consumer: { result: /"name": "cpu"/ } }),
  'global-outputs.yaml': {
    ...ci({ 'consume-global-param': { result: 'hello world' }, 'consume-global-art': { result: 'hello world' } }),
    workflowOutputs: { 'my-global-param': 'hello world' },
  },
}

/** Examples not run, with the reason: the importer refuses each with an error naming the field, except those that `need` what this host does not give (a program; the internet; an unloaded machine; an outcome not left to chance), of which those that say "it imports" are imported. */
export const NOT_RUN: Readonly<Record<string, string>> = {
  "artifact-passing-explicit-plugin.yaml": "spec.templates.1.outputs.artifacts.0.plugin: the field \"plugin\" is not supported by the local importer",
  "artifacts-workflowtemplate.yaml": "needs the internet (URL https://datahub.io/core/global-temp/r/annual.csv, its http input artifact, which runs locally: test/argo/import-http-artifact.test.ts fetches them from a loopback server), and the image remuslazar/gnuplot, whose command is not known here",
  "buildkit-template.yaml": "spec.templates.1.container.command: no command, and what the image \"alpine/git:v2.26.2\" runs is not known here",
  "ci-workflowtemplate.yaml": "spec.templates.2.container.command: no command, and what the image \"golang:1.18\" runs is not known here",
  "dag-task-level-timeout.yaml": "needs an unloaded machine: it imports and runs (A and C sleep 15 s under a 20 s limit, B under 10 s), but its 5 s margin did not hold with a load of 20 on 2 cores",
  "http-hello-world.yaml": "needs the internet (URL https://raw.githubusercontent.com/argoproj/argo-workflows/…/generated.swagger.json): it imports, and its http template runs locally (test/argo/import-http.test.ts runs one against a loopback server)",
  "k8s-owner-reference.yaml": "spec.templates.0.resource: the field \"resource\" is not supported by the local importer",
  "k8s-patch-json-pod.yaml": "spec.templates.0.resource: the field \"resource\" is not supported by the local importer",
  "k8s-patch-merge-pod.yaml": "spec.templates.0.resource: the field \"resource\" is not supported by the local importer",
  "k8s-patch-pod.yaml": "spec.templates.0.resource: the field \"resource\" is not supported by the local importer",
  "life-cycle-hooks-tmpl-level.yaml": "needs the internet (URL https://raw.githubusercontent.com/argoproj/argo-workflows/…/generated.swagger.json, its hooks' http template): it imports, and its http template runs locally (test/argo/import-http.test.ts runs one against a loopback server)",
  "life-cycle-hooks-wf-level.yaml": "needs the internet (URL https://raw.githubusercontent.com/argoproj/argo-workflows/…/generated.swagger.json, its hooks' http template): it imports, and its http template runs locally (test/argo/import-http.test.ts runs one against a loopback server)",
  "sidecar-nginx.yaml": "needs busybox's sh (the curl image's): the `>& /tmp/out` of its loop is a syntax error to dash, this host's sh (Bad fd number), so the loop never ends; nginx and curl are here, and it imports",
  "sidecar.yaml": "needs apk (Alpine's package manager: its script runs `apk add curl` first); influxd and curl are here, and it imports",
  "template-defaults.yaml": "needs a deterministic exit code: it imports (templateDefaults gives every template retryStrategy limit 2, the steps template main retried as a whole, and its leaves the 30 s timeout), but retry-backoff exits random.choice([0, 1, 1]), so whether it ends Succeeded is chance (test/argo/import-template-defaults.test.ts runs a deterministic one)",
  "testvolume.yaml": "a PersistentVolumeClaim: no local meaning",
  "variables-showcase.yaml": "spec.templates.1.script: unknown or unsupported tag {{workflow.creationTimestamp.s}} (its globalName outputs, `{{steps.name}}`, `{{workflow.mainEntrypoint}}`, `{{workflow.priority}}`, `{{workflow.serviceAccountName}}` and `{{workflow.creationTimestamp.RFC3339}}` import; it also needs busybox's nc, the image's program)",
  "workflow-count-resourcequota.yaml": "a ResourceQuota: no local meaning",
  "workflow-event-binding/event-consumer-workfloweventbinding.yaml": "a WorkflowEventBinding: no local meaning",
  "workflow-event-binding/github-path-filter-workfloweventbinding.yaml": "a WorkflowEventBinding: no local meaning",
  "workflow-template/input-artifacts.yaml": "spec.arguments.artifacts.0.s3.accessKeySecret: no Secret named \"s3-creds\" (its bucket is on AWS, s3.amazonaws.com, out of reach here)",
}
