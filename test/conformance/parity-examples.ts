import * as assert from 'uvu/assert'
import { exampleName, loadExample } from '../helpers/examples.ts'
import { bothWays, NOT_BOTH_WAYS } from './parity.ts'

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
