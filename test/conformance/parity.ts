import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { decodeParam, type ParamSpec, type Workflow } from 'dflow-ts'
import { compileWithTemplates, importWorkflow, toYaml } from 'dflow-ts/argo'
import { local, type Run } from 'dflow-ts/local'
import { decodersOf } from '../../lib/run/run-view.ts'
import { repoRoot } from '../argo/support/shared.ts'
import { outcomeOf, type Outcome, type StepOutcome } from './outcome.ts'
import { argoPathToLocal } from './parity-paths.ts'

/**
 * Examples that cannot run both ways, with the reason (README.md, "Interpreters and parity", lists them too).
 * The suite checks that each still fails the way its reason says, so that an entry is removed once it runs.
 *
 * @example NOT_BOTH_WAYS['examples/fn/big-parameter.ts']?.reason // 'the importer refuses raw artifacts …'
 */
export const NOT_BOTH_WAYS: Readonly<Record<string, { readonly reason: string; readonly error: RegExp }>> = {
  'examples/argo/retry-conditional.ts': { reason: 'the importer refuses retryStrategy.expression', error: /retryStrategy\.expression: the field "expression" is not supported/ },
  'examples/fn/error-handling.ts': { reason: 'the importer refuses retryStrategy.expression', error: /retryStrategy\.expression: the field "expression" is not supported/ },
  'examples/fn/big-parameter.ts': { reason: 'the importer refuses raw artifacts (the compiler passes a big parameter as one)', error: /\.raw: the field "raw" is not supported/ },
  'examples/artifacts/fan-in.ts': { reason: 'the importer refuses a withParam computed by an expression (`{{= … }}`), which a gathered fan-out compiles to', error: /withParam: withParam takes one \{\{…\}\} tag or a JSON list/ },
  'examples/artifacts/workflow-artifacts.ts': { reason: 'the suite gives no workflow artifact values yet (the local run is refused without them)', error: /artifact "data" has no value/ },
  'examples/slices/exploration.ts': { reason: 'the importer refuses a withParam computed by an expression (`{{= … }}`), which grouped slices compile to', error: /withParam: withParam takes one \{\{…\}\} tag or a JSON list/ },
  'examples/slices/group-size.ts': { reason: 'the importer refuses a withParam computed by an expression (`{{= … }}`), which grouped slices compile to', error: /withParam: withParam takes one \{\{…\}\} tag or a JSON list/ },
  'examples/slices/keyed-slices.ts': { reason: "the importer's evaluator has no `flatten`, which consumers of grouped slices read with", error: /unknown function "flatten"/ },
  'examples/slices/subpath-slices.ts': { reason: 'the importer refuses a withParam computed by an expression (`{{= … }}`), which zipped slices compile to (here over the init step\'s parts; each call\'s artifact has a subPath)', error: /withParam: withParam takes one \{\{…\}\} tag or a JSON list/ },
  'examples/slices/makevasp.ts': { reason: 'the importer refuses a withParam computed by an expression (`{{= … }}`), which zipped slices compile to (here over the init steps\' parts; each call\'s artifacts have a subPath)', error: /withParam: withParam takes one \{\{…\}\} tag or a JSON list/ },
  'examples/slices/param-slices.ts': { reason: 'the importer refuses a withParam computed by an expression (`{{= … }}`), which zipped slices compile to', error: /withParam: withParam takes one \{\{…\}\} tag or a JSON list/ },
}

/**
 * The examples `npm test` runs both ways (parity.test.ts), one per way the step paths map: the entrypoint is
 * the call (hello-world), a generated entry level (dag), the exit handler (exit-handlers), a fan-out and its
 * aggregated outputs (loops), a function OP with artifacts (fn/prepare). parity.heavy.test.ts runs the rest.
 *
 * @example FAST.includes('examples/dag.ts') // true
 */
export const FAST: readonly string[] = ['examples/argo/hello-world.ts', 'examples/dag.ts', 'examples/argo/exit-handlers.ts', 'examples/argo/loops.ts', 'examples/fn/prepare.ts']

/**
 * Outputs the importer's run has that the DSL never declared: Argo's `result` (every script's stdout) and the
 * compiler's own `dflow-…` parameters (threshold.ts `dflow-success`, key.ts `dflow-key`). They are compared
 * only where the DSL step has an output of that name.
 */
const generatedOutput = (name: string): boolean => name === 'result' || name.startsWith('dflow-')

/**
 * A folder the steps of both runs share, outside /tmp: the importer gives each step a private /tmp (as a pod
 * has), so the retry examples' attempt counters live here, as they would on a volume on Argo.
 *
 * @example
 * ```ts
 * const shared = sharedFolder() // REPO/tmp/parity-XXXXXX
 * test.after(shared.cleanup)
 * ```
 */
export const sharedFolder = (): { readonly path: string; readonly cleanup: () => void } => {
  mkdirSync(join(repoRoot, 'tmp'), { recursive: true })
  const path = mkdtempSync(join(repoRoot, 'tmp', 'parity-'))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

/** Parameters that make a run independent of earlier runs: the retry examples count attempts in the file their `counter` names. */
const freshParameters = (wf: Workflow<any>, dir: string, tag: string): Record<string, unknown> =>
  'counter' in (wf.parameters ?? {}) ? { counter: `${dir}/${wf.name}-${tag}.count` } : {}

/**
 * An output parameter's wire text as the local run decodes it: with the codec the DSL declared for the step's
 * output; a fan-out's aggregate (Argo: a JSON list of the calls' texts) item by item.
 */
const decoderFor = (wf: Workflow<any>, reference: Run) => {
  const templates = decodersOf(wf)
  const steps = new Map(reference.steps().map((s) => [s.id, s]))
  const decode = (spec: ParamSpec, wire: string): unknown => {
    const d = decodeParam(spec.codec, wire)
    return d.ok ? d.value : wire
  }
  return (id: string, name: string, wire: string): unknown => {
    const s = steps.get(id)
    const spec = templates.get(s?.record.template ?? '')?.outputs[name] as ParamSpec | undefined
    if (spec?._tag !== 'Param') return wire
    if (s?.type !== 'StepGroup') return decode(spec, wire)
    try {
      const list = JSON.parse(wire) as unknown
      if (Array.isArray(list)) return list.map((x) => (typeof x === 'string' ? decode(spec, x) : x))
    } catch {}
    return wire
  }
}

const withoutGenerated = (argo: Outcome, reference: Outcome): Outcome => ({
  status: argo.status,
  steps: Object.fromEntries(
    Object.entries(argo.steps).map(([id, s]): [string, StepOutcome] => [
      id,
      { ...s, outputs: Object.fromEntries(Object.entries(s.outputs).filter(([k]) => !generatedOutput(k) || k in (reference.steps[id]?.outputs ?? {}))) },
    ]),
  ),
})

/**
 * One workflow both ways: (a) on the local interpreter, (b) compiled to Argo, imported back and run by the
 * importer on the engine; the second read as the first names its steps (parity-paths.ts), its output
 * parameters decoded with the codecs the DSL declared (the imported templates declare strings).
 *
 * @example
 * ```ts
 * const { local, argo } = await bothWays(wf, { runsDir: '/tmp/runs', shared: 'REPO/tmp/parity-1' })
 * assert.equal(argo, local)
 * ```
 */
export const bothWays = async (wf: Workflow<any>, dirs: { readonly runsDir: string; readonly shared: string }): Promise<{ readonly local: Outcome; readonly argo: Outcome }> => {
  const reference = await local({ runsDir: dirs.runsDir }).run(wf, { parameters: freshParameters(wf, dirs.shared, 'local') })
  const direct = await outcomeOf(reference)
  const { manifest, templates } = compileWithTemplates(wf)
  const imported = importWorkflow(toYaml(manifest))
  const signal = imported.deadlineSeconds !== undefined ? AbortSignal.timeout(imported.deadlineSeconds * 1000) : undefined
  const run = await local({ runsDir: dirs.runsDir }).run(imported.workflow, { parameters: freshParameters(wf, dirs.shared, 'argo'), ...(signal ? { signal } : {}) })
  const argo = await outcomeOf(run, { id: argoPathToLocal(wf, manifest, templates), decode: decoderFor(wf, reference) })
  return { local: direct, argo: withoutGenerated(argo, direct) }
}
