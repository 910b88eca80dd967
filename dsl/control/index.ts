/**
 * Control flow: conditions, fan-out, stdout results.
 *
 * @example
 * ```ts
 * import { when, forEach, field, sequence, stdout } from 'dflow-ts'
 * ```
 */
export { when } from './when.ts'
export { forEach, sequence, type FanOut, type ListRefsOf, type SequenceOver } from './for-each.ts'
export { slice, SLICE_INDEX, type SliceRefs, type SliceIndex, type Sliceable, type ElementOf, type SliceOptions } from './slice.ts'
export { groupedScript } from './slice-script.ts'
export { groupItems, zipLists, groupedFn, groupedTemplateOf, groupingData, regroupedFn, SLICING_INPUT, SLICE_GROUP, GROUP_INPUT, SLICES_REPORT, type SliceReport, type SliceIo, type GroupContext, type GroupingData, type KeyPart } from './slice-group.ts'
export { field, itemRef, type ItemRef } from './item.ts'
export { mapRefs } from './map-refs.ts'
export { freeItemRefs } from './free-items.ts'
export { loopTemplateName, loopsIn } from './loop-template.ts'
export { listOf } from './list-codec.ts'
export { stdout, keepsStdout } from './stdout.ts'
export { ifExpr, exposedRef, refsOfExposed, type OutputChoice, type Exposable } from './output-choice.ts'
export { exprOutput, type OutputExpr } from './output-expr.ts'
export { on, and, or, not, dependsSteps, type Depends, type Outcome } from './depends.ts'
export { recurse, MAX_DEPTH, type RecurseFields } from './recurse.ts'
export { key, keyRefs, type KeyTemplate } from './key.ts'
export type { ComputedItems, ForEachSource, Sequence, SliceList, SliceGroupOptions } from './source.ts'
export { allOutputs, ALL_OUTPUTS } from './all-outputs.ts'
