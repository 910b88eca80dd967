/**
 * Argo keeps a step's stdout as its `outputs.result` only where the template that calls the step mentions
 * it: the controller tells the pod's wait container to capture it (ARGO_INCLUDE_SCRIPT_OUTPUT) when the JSON
 * of the calling steps or dag template matches `steps.NAME.outputs.result` or `steps['NAME'].outputs.result`
 * (`tasks.` in a dag) — workflow/controller/operator.go, `includeScriptOutput` and `hasOutputResultRef`; a
 * template run as the entrypoint itself has no caller, and its result is never kept. A double-quoted
 * `steps["NAME"]` is escaped in JSON (`[\"NAME\"]`) and does not match, as on Argo.
 *
 * @example
 * ```ts
 * mentionsResult({ steps: [[{ name: 'gen' }], [{ name: 'use', arguments: { parameters: [{ name: 'x', value: '{{steps.gen.outputs.result}}' }] } }]] }, 'steps', 'gen') // true
 * mentionsResult({ steps: [[{ name: 'gen' }]] }, 'steps', 'gen') // false
 * ```
 */
export const mentionsResult = (caller: object, kind: 'steps' | 'tasks', name: string, json: string = JSON.stringify(caller)): boolean => {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`${kind}\\.${n}\\.outputs\\.result`).test(json) || new RegExp(`${kind}\\[['"]${n}['"]\\]\\.outputs.result`).test(json)
}

/**
 * The annotation the compiler puts on a steps or dag template to name the calls whose result it must keep
 * and mentions nowhere else (a `stdout()` output read only after the run): Argo's controller then sees the
 * mention ({@link mentionsResult}) and captures their stdout. Argo gives a steps template's metadata to no
 * pod, so it means nothing else.
 *
 * @example RESULTS_KEPT // 'workflows.dflow-ts.io/results-kept'
 */
export const RESULTS_KEPT = 'workflows.dflow-ts.io/results-kept'
