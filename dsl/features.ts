/**
 * Parts of the language that not every interpreter implements yet. `validate(wf, { supports })` refuses a
 * workflow that uses one its interpreter does not list, with a problem naming it: never a silently wrong
 * run. `validate(wf)` alone lists none; the local interpreter and `compile` (Argo) list them all (an
 * interpreter still without one — the dispatcher's, say — passes what it has).
 *
 * - `'fan-in-artifacts'`: a fan-out's output artifact read by an input declared `artifactList()` (the TSDoc
 *   of `artifactList` in `dsl/fn/shapes.ts` says what an interpreter must hand over).
 * - `'workflow-artifacts'`: `workflow(name, body, { artifacts })`, values given when the workflow is run.
 * - `'slice-artifacts'`: `slice({ foo: prep.outputs.foo }, …)` over a list artifact (its executor reads the
 *   artifact's catalog: `LeafExecutor.parts`).
 * - `'fan-out-hooks'`: lifecycle hooks on a `forEach` step, run for each of its calls (as Argo runs a steps
 *   fan-out's hooks per child node), each call's hooks reading the call's own status under the step's name. The engine's interpreters (local, dispatcher) have it; the Argo compiler does not: Argo keys a call's
 *   status by its node's name (`steps['NAME(0:a)']`), so no condition on the step's name compiles to one that
 *   Argo reads the same.
 *
 * Once an interpreter implements one, it passes it in `supports`: the check in `dsl/validate.ts` is the
 * only place that refuses it.
 *
 * @example
 * ```ts
 * validate(wf, { supports: ['fan-in-artifacts'] })
 * ```
 */
export type Feature = 'fan-in-artifacts' | 'workflow-artifacts' | 'slice-artifacts' | 'fan-out-hooks'

/** What the Argo compiler supports: every {@link Feature} but `fan-out-hooks`. @example validate(wf, { supports: ALL_FEATURES }) */
export const ALL_FEATURES: readonly Feature[] = Object.freeze(['fan-in-artifacts', 'workflow-artifacts', 'slice-artifacts'])

/**
 * Options of `validate`.
 *
 * @example
 * ```ts
 * const o: ValidateOptions = { supports: ['workflow-artifacts'] }
 * ```
 */
export interface ValidateOptions {
  /** The features the interpreter implements (default: none of them). */
  readonly supports?: readonly Feature[]
}

/** The problem's hint for a feature the interpreter lacks. @example unsupportedHint('fan-in-artifacts') */
export const unsupportedHint = (f: Feature): string =>
  f === 'fan-out-hooks'
    ? 'the local interpreter and the dispatcher run them for each call; here: put the hooks on a step inside a sub-workflow the forEach calls'
    : f === 'slice-artifacts'
    ? 'the local interpreter and the Argo compiler support it; here: slice a list of parameters (the paths), and pass the whole artifact'
    : f === 'fan-in-artifacts'
    ? 'the local interpreter and the Argo compiler support it; here: return a parameter from each call, or gather the files in one later step'
    : 'the local interpreter (run(wf, { artifacts: { NAME: REF } })) and the Argo compiler (compile(wf, { artifacts: { NAME: REF } })) support it; here: pass the files to the steps as localArtifact(path)'
