import { param, requiredSuccesses, sh, shell, t, type SuccessThreshold } from 'dflow-ts'
import type { ArgoCall } from './manifest.ts'
import { tag } from './tags.ts'

/**
 * The template that checks a success threshold on Argo (dflow's `check-success-ratio` step): it counts
 * the words "Succeeded" among the statuses it is given, prints the count and the threshold, and fails when
 * too few members succeeded.
 *
 * @example
 * ```ts
 * c.templateOf(successCheck) // 'dflow-success-check'
 * ```
 */
export const successCheck = shell({
  name: 'dflow-success-check',
  image: 'alpine:3.20',
  inputs: { statuses: param(t.string), need: param(t.number) },
  script: ({ statuses, need }) =>
    sh`n=0
for s in $(printf '%s' ${statuses}); do if [ "$s" = Succeeded ]; then n=$((n + 1)); fi; done
echo "Num success: $n"
echo "Threshold: ${need}"
[ "$n" -ge ${need} ]`,
})

/**
 * The call of {@link successCheck} after the members of a thresholded `par`: the members' statuses
 * (`{{steps.NAME.status}}`) and how many must have succeeded.
 *
 * @example
 * ```ts
 * successCheckCall('success-check', 'dflow-success-check', ['a', 'b'], { continueOnNumSuccess: 1 })
 * // { name: 'success-check', template: 'dflow-success-check', arguments: { parameters: [{ name: 'statuses', value: '{{steps.a.status}} {{steps.b.status}}' }, { name: 'need', value: '1' }] } }
 * ```
 */
export const successCheckCall = (name: string, template: string, members: readonly string[], threshold: SuccessThreshold): ArgoCall => ({
  name,
  template,
  arguments: {
    parameters: [
      { name: 'statuses', value: members.map((m) => tag(`steps.${m}.status`)).join(' ') },
      { name: 'need', value: String(requiredSuccesses(threshold, members.length)) },
    ],
  },
})
