/**
 * dflow's E6 (reuse with modified outputs): run E5's recursion (`recurse.ts`: keys iter-0 … iter-4), then
 * submit it again as `recurse-resubmit`, reusing the steps keyed iter-0 and iter-1 of the first run, with
 * iter-1's output `iter` changed to 3 (dflow: `step1.modify_output_parameter("iter", 3)`,
 * `submit(reuse_step=[step0, step1])`). The second run does not run iter-0 (output 1) nor iter-1 (output 3):
 * it goes on from 3, so it runs iter-3 (3 → 4) and iter-4 (4 → 5), and there is no iter-2.
 *
 * ```ts
 * const first = await local().run(recurse)
 * const second = await local().run(resubmit, { reuse: reuseOf(first) })
 * ```
 * or, from the command line (reusing every keyed step would reuse all five; choose two):
 * ```sh
 * dflow run examples/control/recurse.ts
 * dflow run examples/control/recurse-reuse.ts --reuse .dflow-runs/recurse-… --reuse-keys '^iter-[01]$'
 * ```
 * (the command line reuses outputs as they were: iter-1's output stays 2, so iter-2 … iter-4 run).
 */
import { workflow } from 'dflow-ts'
import { modifyOutputs, type ReusedStep, type Run, type StepView } from 'dflow-ts/local'
import recurse from './recurse.ts'

/** The steps of the first run to reuse: iter-0 as it was, iter-1 with its output `iter` changed to 3. */
export const reuseOf = (first: Run): readonly (StepView | ReusedStep)[] => [
  first.step({ key: 'iter-0' }),
  modifyOutputs(first.step({ key: 'iter-1' }), { parameters: { iter: 3 } }),
]

export default workflow('recurse-resubmit', recurse.body)
