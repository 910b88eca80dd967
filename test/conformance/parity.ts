import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { decodeParam, type ParamSpec, type Workflow } from 'dflow-ts'
import { compileWithTemplates, importWorkflow, toYaml } from 'dflow-ts/argo'
import { local, type Run } from 'dflow-ts/local'
import { decodersOf } from '../../lib/run/run-view.ts'
import { repoRoot } from '../argo/support/shared.ts'
import { exampleArtifacts } from '../helpers/examples.ts'
import { outcomeOf, type Outcome, type StepOutcome } from './outcome.ts'
import { argoPathToLocal } from './parity-paths.ts'

/**
 * Examples that cannot run both ways, with the reason (README.md, "Interpreters and parity", lists them too).
 * The suite checks that each still fails the way its reason says (`error`: the import or the imported run's
 * failure), or — `statusOnly`, an example that runs both ways but whose steps the suite cannot match yet — that
 * both runs end in the same phase; or — `slicesInCalls`, an example of grouped slices — that both runs agree step
 * by step but for the local run's slice records (a compiled group's slices live only in its call's report, and a
 * grouped fan-out's outputs are its calls' lists, which the comparison flattens); so that an entry is removed once it runs.
 *
 * @example NOT_BOTH_WAYS['examples/fn/big-parameter.ts']?.reason // 'the importer refuses raw artifacts …'
 */
export const NOT_BOTH_WAYS: Readonly<Record<string, { readonly reason: string; readonly error?: RegExp; readonly statusOnly?: true; readonly slicesInCalls?: true }>> = {
  'examples/fn/big-parameter.ts': {
    reason: 'imports and runs with the same phases; its outputs are not compared yet: compiled, a big parameter is a raw artifact (a file holding its JSON), which the suite does not decode as the DSL\'s parameter',
    statusOnly: true,
  },
  'examples/slices/group-size.ts': {
    reason: "runs both ways with the same outcome step by step, except the local run's slice records (CALL.slice(i)): compiled, a group's slices run inside its one pod and report in its dflow_slices output, which the imported run does not expand into records",
    slicesInCalls: true,
  },
  'examples/slices/group-artifacts.ts': {
    reason: "runs both ways with the same outcome step by step, except the local run's slice records (CALL.slice(i)): compiled, a group's slices run inside its one pod and report in its dflow_slices output, which the imported run does not expand into records",
    slicesInCalls: true,
  },
  'examples/slices/keyed-slices.ts': {
    reason: "runs both ways with the same outcome step by step, except the local run's slice records (CALL.slice(i)): compiled, a group's slices run inside its one pod and report in its dflow_slices output, which the imported run does not expand into records",
    slicesInCalls: true,
  },
  'examples/slices/group-subpath.ts': {
    reason: "runs both ways with the same outcome step by step, except the local run's slice records (CALL.slice(i)): compiled, a group's slices run inside its one pod and report in its dflow_slices output, which the imported run does not expand into records",
    slicesInCalls: true,
  },
  'examples/slices/shell-exploration.ts': {
    reason: "runs both ways with the same outcome step by step, except the local run's slice records (CALL.slice(i)): compiled, a group's slices run inside its one pod and report in its dflow_slices output, which the imported run does not expand into records",
    slicesInCalls: true,
  },
  'examples/slices/exploration.ts': {
    reason: "on Argo `select` takes the 1,000 stacked trajectories (about 200 KB) in one environment variable of its container, more than Linux's 128 KiB for one string: the imported run fails there, as the pod would (locally the DSL passes big inputs as files)",
    error: /select: .*Argument list too long/,
  },
  'examples/artifacts/workflow-artifacts.ts': {
    reason: "the suite gives the artifact (a file locally, an S3 location compiled, with an inline repository): compiled, every leaf has that repository as its archiveLocation.s3, which the importer refuses (a template's own place for its keyless outputs is not implemented; nor is fetching a workflow artifact from an S3 bucket with an endpoint through a store)",
    error: /spec\.templates\.\d+\.archiveLocation\.s3: archiveLocation\.s3 is not supported locally/,
  },
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

/**
 * Argo's `result` is a template's stdout: the output the DSL declared with `stdout(…)` under another name
 * (fan-in's `list`, `sum`) is the imported run's `result`, compared under the DSL's name.
 */
const stdoutNames = (wf: Workflow<any>, reference: Run) => {
  const templates = decodersOf(wf)
  const steps = new Map(reference.steps().map((s) => [s.id, s]))
  return (id: string, name: string): string => {
    if (name !== 'result') return name
    const outputs = templates.get(steps.get(id)?.record.template ?? '')?.outputs ?? {}
    const own = Object.entries(outputs).find(([, s]) => (s as ParamSpec)._tag === 'Param' && (s as ParamSpec).stdout)
    return own && !('result' in outputs) ? own[0] : name
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
export const bothWays = async (wf: Workflow<any>, dirs: { readonly runsDir: string; readonly shared: string }): Promise<{ readonly local: Outcome; readonly argo: Outcome; readonly argoFailures: string }> => {
  const reference = await local({ runsDir: dirs.runsDir }).run(wf, { parameters: freshParameters(wf, dirs.shared, 'local'), artifacts: exampleArtifacts(wf, dirs.shared) })
  const direct = await outcomeOf(reference)
  // a workflow artifact is an S3 location on Argo, given at compile time
  const names = Object.keys(wf.artifacts ?? {})
  const { manifest, templates } = compileWithTemplates(wf, names.length ? { artifacts: Object.fromEntries(names.map((k) => [k, `s3://parity/${k}`])), artifactRepository: { s3: { endpoint: '127.0.0.1:9000', bucket: 'parity', insecure: true } } } : {})
  const imported = importWorkflow(toYaml(manifest))
  const signal = imported.deadlineSeconds !== undefined ? AbortSignal.timeout(imported.deadlineSeconds * 1000) : undefined
  const run = await local({ runsDir: dirs.runsDir }).run(imported.workflow, { parameters: freshParameters(wf, dirs.shared, 'argo'), ...(signal ? { signal } : {}) })
  const argo = await outcomeOf(run, { id: argoPathToLocal(wf, manifest, templates), decode: decoderFor(wf, reference), rename: stdoutNames(wf, reference) })
  // what made steps of the imported run fail, for NOT_BOTH_WAYS entries whose import runs and fails
  const argoFailures = run.steps().flatMap((s) => (s.phase === 'Failed' || s.phase === 'Error' ? [`${s.id}: ${s.record.message ?? ''}`] : [])).join('\n')
  return { local: direct, argo: withoutGenerated(argo, direct), argoFailures }
}
