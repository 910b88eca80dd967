import { openRun } from '../local/index.ts'
import type { ArtifactLocation } from '../storage/index.ts'

/**
 * The output artifact `name` of step `step` as the run in `runDir` recorded it: a location in a store, or a
 * path on this machine (what runs record until the engine records locations), or why there is none. The one
 * place the CLI reads artifacts from run records.
 *
 * @example
 * ```ts
 * await recordedArtifact('.dflow-runs/steps-1', 'hello', 'bar') // '/…/steps/hello/workdir/bar.txt'
 * await recordedArtifact('.dflow-runs/steps-1', 'hello', 'nope') // { problem: 'step "hello" has no output artifact "nope" (it has: bar)' }
 * ```
 */
export const recordedArtifact = async (runDir: string, step: string, name: string): Promise<ArtifactLocation | string | { readonly problem: string }> => {
  const run = await openRun(runDir)
  let view
  try {
    view = run.step(step)
  } catch (e) {
    return { problem: `${runDir}: ${(e as Error).message}` }
  }
  const artifacts = (view.record.outputs.artifacts ?? {}) as Readonly<Record<string, unknown>>
  const at = artifacts[name]
  if (at === undefined || at === null) {
    const has = Object.keys(artifacts)
    return { problem: `step ${JSON.stringify(view.id)} has no output artifact ${JSON.stringify(name)} (${has.length ? `it has: ${has.join(', ')}` : 'it has none'}; its phase is ${view.phase})` }
  }
  if (typeof at === 'string') return at
  const o = at as Partial<ArtifactLocation>
  if (typeof o.store === 'string' && typeof o.key === 'string') return o as ArtifactLocation
  return { problem: `step ${JSON.stringify(view.id)}: output artifact ${JSON.stringify(name)} is recorded as ${JSON.stringify(at)}, neither a path nor a location` }
}
