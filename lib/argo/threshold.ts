import { ex, isRef, param, sh, shell, t, type ParamRef, type SliceList, type Operand, type Sequence, type Step, type SuccessThreshold } from 'dflow-ts'
import { exprTag, fanOutFields, type ControlContext } from './control.ts'
import type { ArgoCall, ArgoParameter, ArgoTemplate } from './manifest.ts'
import { tag } from './tags.ts'

/**
 * The template that checks a success threshold on Argo (dflow's `check-success-ratio` step): it counts the
 * words "Succeeded" among the statuses it is given (space-separated, or a JSON list of them), works out how
 * many are needed of `total` (the larger of `ceil(ratio × total)` and `num`), prints both and fails when
 * too few succeeded.
 *
 * @example
 * ```ts
 * c.templateOf(successCheck) // 'dflow-success-check'
 * ```
 */
export const successCheck = shell({
  name: 'dflow-success-check',
  image: 'alpine:3.20',
  inputs: { statuses: param(t.string), total: param(t.number), ratio: param(t.number), num: param(t.number) },
  script: ({ statuses, total, ratio, num }) =>
    sh`n=0
for s in $(printf '%s' ${statuses} | tr -c 'A-Za-z' ' '); do if [ "$s" = Succeeded ]; then n=$((n + 1)); fi; done
need=$(awk -v r=${ratio} -v t=${total} -v m=${num} 'BEGIN { x = r * t - 1e-9; c = int(x); if (c < x) c++; if (m > c) c = m; print c }')
echo "Num success: $n"
echo "Threshold: $need"
[ "$n" -ge "$need" ]`,
})

/** What a success check counts: the members' statuses and how many members there are (both Argo tags or literals). @example const t: Tally = { statuses: '{{steps.a.status}}', total: '1' } */
export interface Tally {
  readonly statuses: string
  readonly total: string
}

/** The tally of a thresholded `par`: each member's `{{steps.NAME.status}}`. @example parTally(['a', 'b']) // { statuses: '{{steps.a.status}} {{steps.b.status}}', total: '2' } */
export const parTally = (members: readonly string[]): Tally => ({ statuses: members.map((m) => tag(`steps.${m}.status`)).join(' '), total: String(members.length) })

/** The output every call of a thresholded fan-out's template reports; Argo aggregates it over the calls that succeeded. @example SUCCESS_OUTPUT // 'dflow-success' */
export const SUCCESS_OUTPUT = 'dflow-success'

const countOf = (s: Sequence, c: ControlContext): string => {
  if (s.count !== undefined) return typeof s.count === 'number' ? String(s.count) : c.resolve(s.count, [...c.path, 'forEach', 'count'])
  const start: Operand = s.start ?? 0
  const end: Operand = s.end ?? 0
  if (typeof start === 'number' && typeof end === 'number') return String(Math.abs(end - start) + 1)
  return exprTag(ex.cond(ex.gt(end, start), ex.add(ex.sub(end, start), 1), ex.add(ex.sub(start, end), 1)), c, 'forEach')
}

/** How many slices a slice makes: a literal list's length, or the first reference's at run time. */
const zipCount = (lists: Readonly<Record<string, SliceList>>, c: ControlContext): string => {
  const vs = Object.values(lists)
  const ref = vs.find(isRef)
  return ref ? exprTag(ex.call('length', ref as ParamRef<readonly unknown[]>), c, 'slice') : String((vs[0] as readonly unknown[] | undefined)?.length ?? 0)
}

/**
 * The tally of a fan-out step with a threshold: the aggregated {@link SUCCESS_OUTPUT} of its calls (one
 * "Succeeded" per call that succeeded) and the number of items, known when compiling or computed by Argo.
 *
 * @example
 * ```ts
 * fanOutTally(forEach(['a', 'b', 'c'], (i) => step('hello', hello, { i }), { continueOnNumSuccess: 2 }), ctx)
 * // { statuses: '{{steps.hello.outputs.parameters.dflow-success}}', total: '3' }
 * ```
 */
export const fanOutTally = (s: Step, c: ControlContext): Tally => {
  const f = s.forEach!
  const total =
    f._tag === 'Items'
      ? String(f.items.length)
      : f._tag === 'Sequence'
        ? countOf(f.sequence, c)
        : f._tag === 'Zip'
          ? zipCount(f.lists, c)
          : f._tag === 'Computed'
            ? fanOutFields(f, c) && '0' // refused there
            : exprTag(ex.call('length', f.ref), c, 'forEach')
  return { statuses: tag(`${c.prefix}.${s.name}.outputs.parameters.${SUCCESS_OUTPUT}`), total }
}

/**
 * The call of {@link successCheck} after the members of a thresholded group: what to count and the threshold.
 *
 * @example
 * ```ts
 * successCheckCall('success-check', 'dflow-success-check', parTally(['a', 'b']), { continueOnNumSuccess: 1 })
 * // { name: 'success-check', template: 'dflow-success-check', arguments: { parameters: [statuses, total 2, ratio 0, num 1] } }
 * ```
 */
export const successCheckCall = (name: string, template: string, tally: Tally, threshold: SuccessThreshold): ArgoCall => ({
  name,
  template,
  arguments: {
    parameters: [
      { name: 'statuses', value: tally.statuses },
      { name: 'total', value: tally.total },
      { name: 'ratio', value: String(threshold.continueOnSuccessRatio ?? 0) },
      { name: 'num', value: String(threshold.continueOnNumSuccess ?? 0) },
    ],
  },
})

/**
 * A template that reports {@link SUCCESS_OUTPUT}: "Succeeded" whenever it ends well. A leaf reads it from a
 * file nobody writes, so the declared default is what Argo collects; a steps or DAG template gives it by an
 * expression.
 *
 * @example
 * ```ts
 * withSuccessOutput(template).outputs.parameters // [..., { name: 'dflow-success', valueFrom: { path: '/tmp/dflow-success', default: 'Succeeded' } }]
 * ```
 */
export const withSuccessOutput = (a: ArgoTemplate): ArgoTemplate => {
  const out: ArgoParameter = a.script
    ? ({ name: SUCCESS_OUTPUT, valueFrom: { path: '/tmp/dflow-success', default: 'Succeeded' } } as ArgoParameter)
    : ({ name: SUCCESS_OUTPUT, valueFrom: { expression: "'Succeeded'" } } as ArgoParameter)
  return { ...a, outputs: { ...(a.outputs ?? {}), parameters: [...(a.outputs?.parameters ?? []), out] } }
}
