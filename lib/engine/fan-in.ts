/**
 * Fan-in of artifacts: a fan-out's output artifact read by an `artifactList()` input is ONE list artifact
 * of the calls' artifacts — entry `i` is call `i`'s artifact, a call that did not succeed (or left no
 * artifact) is a hole, left out — with a catalog in dflow's format recording their order.
 *
 * The engine builds the value ({@link fanInValue}: the calls' locations by item index, not stacked yet) when
 * the fan-out ends, and stacks it ({@link fanInStacker}) only when a step reads it, through the executor's
 * {@link LeafExecutor.stack} — once per fan-out output, however many steps (and attempts) read it. What a
 * consumer receives is then a plain location, so executors never see an unstacked list. Slices (dflow's
 * `Slices`) stack their calls' outputs the same way.
 *
 * @module
 */
import type { IoSpec, Template } from 'dflow-ts'
import type { ArtifactLocation } from '../storage/location.ts'
import type { LeafExecutor } from './executor.ts'
import { partAt } from './slice-parts.ts'
import type { ArtifactValue, Outputs, Value } from './values.ts'

/**
 * A fan-out's output artifact before it is stacked: whose output it is (the fan-out's step id and the
 * output's name) and the artifact of each call by item index, `null` for a call that did not succeed.
 *
 * @example
 * ```ts
 * const f: FanIn = { stepId: 'square', name: 'out', parts: [at0, null, at2] }
 * ```
 */
export interface FanIn {
  readonly stepId: string
  readonly name: string
  readonly parts: readonly (ArtifactLocation | null)[]
}

/**
 * What {@link LeafExecutor.stack} is given: a {@link FanIn} of run `runId` (its key is the executor's:
 * `RUN/FANOUT/OUTPUT` on a store).
 *
 * @example
 * ```ts
 * const s: StackSource = { runId: 'fan-in-1', stepId: 'square', name: 'out', parts: [at0, null, at2] }
 * ```
 */
export interface StackSource extends FanIn {
  readonly runId: string
}

/**
 * The value of a fan-out's output artifact `name`: not a location yet (`at` is null) but the calls'
 * artifacts by item index (`calls[i]` undefined for a call that did not succeed), to be stacked when read.
 *
 * @example
 * ```ts
 * fanInValue('square', 'out', [{ out: { kind: 'artifact', at: at0 } }, undefined])
 * // { kind: 'artifact', at: null, fanIn: { stepId: 'square', name: 'out', parts: [at0, null] } }
 * ```
 */
export const fanInValue = (stepId: string, name: string, calls: readonly (Outputs | undefined)[]): ArtifactValue => {
  const partOf = (o: Outputs | undefined): ArtifactLocation | null => {
    const v = o?.[name]
    return v?.kind === 'artifact' ? v.at : null
  }
  return { kind: 'artifact', at: null, fanIn: { stepId, name, parts: calls.map(partOf) } }
}

/**
 * The output artifacts of a fan-out as {@link fanInValue}s, by name.
 *
 * @example fanInOutputs(square, 'square', calls) // { out: { kind: 'artifact', at: null, fanIn: … } }
 */
export const fanInOutputs = (t: Template, stepId: string, calls: readonly (Outputs | undefined)[]): Record<string, ArtifactValue> =>
  Object.fromEntries(Object.entries(t.outputs as IoSpec).flatMap(([k, s]) => (s._tag === 'Artifact' ? [[k, fanInValue(stepId, k, calls)]] : [])))

/** Thrown when a list artifact cannot be stacked; the consumer ends Error with its message. */
export class StackError extends Error {}

/**
 * Stacks the fan-in values among a call's inputs into locations, through `executor.stack`, each fan-out
 * output once per run (a failure is not kept: a later reader stacks again). Inputs that are not fan-ins are
 * returned as they are. Rejects with a {@link StackError} naming the fan-out and the executor's reason.
 *
 * @example
 * ```ts
 * const stackInputs = fanInStacker(executor, runId)
 * const inputs = await stackInputs(resolveInputs(…), signal) // parts: { kind: 'artifact', at: { store, key: 'run/square/out' } }
 * ```
 */
export const fanInStacker = (executor: LeafExecutor, runId: string) => {
  const built = new Map<string, Promise<ArtifactLocation>>()
  const stack = ({ stepId, name, parts }: FanIn, signal: AbortSignal): Promise<ArtifactLocation> => {
    const id = `${stepId}\u0000${name}`
    let p = built.get(id)
    if (!p) {
      const what = `the fan-in of artifact "${name}" of fan-out ${stepId}`
      p = executor.stack
        ? executor.stack({ runId, stepId, name, parts }, signal).catch((e: unknown) => {
            built.delete(id)
            throw new StackError(`${what} could not be stacked: ${(e as Error).message}`)
          })
        : Promise.reject(new StackError(`${what}: this executor cannot stack artifacts`))
      built.set(id, p)
    }
    return p
  }
  const stackedValue = async (v: ArtifactValue, signal: AbortSignal): Promise<Value> => {
    const at = await stack(v.fanIn!, signal)
    return { kind: 'artifact', at: v.part === undefined ? at : partAt(at, v.part) }
  }
  return async (inputs: Readonly<Record<string, Value>>, signal: AbortSignal): Promise<Record<string, Value>> => {
    const out: Record<string, Value> = {}
    for (const [k, v] of Object.entries(inputs)) out[k] = v.kind === 'artifact' && v.fanIn ? await stackedValue(v, signal) : v
    return out
  }
}
