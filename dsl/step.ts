import type { ArgsOf, Step, StepOptions, Template } from './node.ts'
import { refsOf } from './refs.ts'
import { stepsIn } from './validate.ts'
import { checkedCondition } from './expr/types.ts'
import { namedHooks } from './hooks.ts'

type StepRest<T extends Template> = {} extends ArgsOf<T['inputs']>
  ? [args?: ArgsOf<T['inputs']>, options?: StepOptions<T>]
  : [args: ArgsOf<T['inputs']>, options?: StepOptions<T>]

/**
 * Calls a template: a named step with its arguments (values or references to other steps' outputs).
 * `step.outputs` holds typed references to the call's outputs.
 *
 * @example
 * ```ts
 * const h0 = step('hello0', hello)
 * const h1 = step('hello1', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar })
 * const h2 = step('hello2', duplicate, { msg: 3, foo: h1.outputs.bar }, { key: 'dup-3' })
 * ```
 */
export const step = <T extends Template>(name: string, template: T, ...[args, options]: StepRest<T>): Step<T> => {
  const outputs = refsOf(template.outputs, { kind: 'step', step: name }) as Step<T>['outputs']
  const hook = typeof options?.onExit === 'function' ? options.onExit(outputs) : options?.onExit
  const hooks = namedHooks(typeof options?.hooks === 'function' ? options.hooks(outputs) : options?.hooks, [name, 'hooks'])
  return Object.freeze({
    _tag: 'Step' as const,
    name,
    template,
    args: Object.freeze({ ...(args ?? {}) }) as Step['args'],
    ...(options?.key !== undefined ? { key: options.key } : {}),
    // A forEach over a composite body is waited for through the steps inside it.
    dependsOn: Object.freeze([...new Set((options?.dependsOn ?? []).flatMap((d) => (typeof d === 'string' ? [d] : d._tag === 'ForEach' ? stepsIn(d.body).map((x) => x.name) : [d.name])))]),
    continueOn: Object.freeze({ ...(options?.continueOn ?? {}) }),
    ...(options?.retry !== undefined ? { retry: options.retry } : {}),
    ...(options?.timeout !== undefined ? { timeout: options.timeout } : {}),
    ...(options?.when !== undefined ? { when: checkedCondition(options.when, 'when') } : {}),
    ...(options?.depends !== undefined ? { depends: options.depends } : {}),
    ...(hook !== undefined ? { onExit: hook } : {}),
    ...(hooks.length ? { hooks } : {}),
    ...(options?.batch !== undefined ? { batch: options.batch } : {}),
    outputs,
  })
}
