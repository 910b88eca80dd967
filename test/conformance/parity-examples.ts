import * as assert from 'uvu/assert'
import { SLICES_REPORT } from 'dflow-ts'
import { exampleName, loadExample } from '../helpers/examples.ts'
import { bothWays, NOT_BOTH_WAYS } from './parity.ts'

/** A wire string read as the JSON it holds (a number's, a list's), any other string as it is. */
const unwired = (v: unknown): unknown => {
  if (typeof v !== 'string') return v
  try {
    const p: unknown = JSON.parse(v)
    return typeof p === 'string' ? v : p
  } catch {
    return v
  }
}

/**
 * The parity check of one example file, for the suites to register: the example runs both ways with the same
 * outcome, or — when NOT_BOTH_WAYS lists it — still fails the way its reason says (one that runs now must
 * agree too, and is named on the console to be taken off the list: a merge of the feature breaks nothing).
 *
 * @example test(name, () => checkExample(file, dirs))
 */
export const checkExample = async (file: string, dirs: { readonly runsDir: string; readonly shared: string }): Promise<void> => {
  const name = exampleName(file)
  const wf = await loadExample(file)
  const listed = NOT_BOTH_WAYS[name]
  if (listed?.statusOnly) {
    const both = await bothWays(wf, dirs)
    assert.is(both.argo.status, both.local.status, `${name}: the imported run ends ${both.argo.status}, the local one ${both.local.status}`)
    return
  }
  if (listed?.slicesInCalls) {
    const both = await bothWays(wf, dirs)
    const calls = Object.fromEntries(Object.entries(both.local.steps).filter(([id]) => !/\.slice\(\d+\)$/.test(id)))
    assert.ok(Object.keys(calls).length < Object.keys(both.local.steps).length, `${name}: the local run has no slice records`)
    // A grouped fan-out's own outputs on Argo are its calls' lists (one per group, of wire strings), which its consumers
    // read flattened, and its calls' reports (which the local run keeps on each call).
    const grouped = new Set(Object.keys(both.local.steps).flatMap((id) => /^(.*)\(\d+\)\.slice\(\d+\)$/.exec(id)?.[1] ?? []))
    const flat = (v: unknown): unknown => (Array.isArray(v) && v.every(Array.isArray) ? v.flat().map(unwired) : v)
    const argo = { ...both.argo, steps: Object.fromEntries(Object.entries(both.argo.steps).map(([id, o]) => [id, grouped.has(id) ? { ...o, outputs: Object.fromEntries(Object.entries(o.outputs).flatMap(([k, v]) => (k === SLICES_REPORT ? [] : [[k, flat(v)]]))) } : o])) }
    assert.equal(argo, { ...both.local, steps: calls }, `${name}: compiled to Argo, imported and run ≠ run locally (slice records aside)`)
    return
  }
  if (listed?.error) {
    let both: Awaited<ReturnType<typeof bothWays>> | undefined
    try {
      both = await bothWays(wf, dirs)
    } catch (e) {
      assert.match((e as Error).message, listed.error!, `${name} no longer fails as listed (${listed.reason})`)
      return
    }
    // It imports and runs, and fails the way the reason says (a step of the imported run)
    if (listed.error.test(both.argoFailures)) return
    // It runs both ways now (say, the importer learnt the feature): it must then agree, and leave the list.
    console.log(`\nparity: ${name} runs both ways now — remove it from NOT_BOTH_WAYS (test/conformance/parity.ts) and README.md's table`)
    assert.equal(both.argo, both.local, `${name}: compiled to Argo, imported and run ≠ run locally`)
    return
  }
  const { local, argo } = await bothWays(wf, dirs)
  assert.ok(Object.keys(local.steps).length > 0, `${name} ran no step`)
  assert.equal(argo, local, `${name}: compiled to Argo, imported and run ≠ run locally`)
}
