import type { LifecycleHook, NamedHook, Node, Step, Workflow } from './node.ts'
import { DflowError, problem } from './problem.ts'
import { checkedCondition } from './expr/types.ts'

const NAME = /^[A-Za-z0-9][-A-Za-z0-9_]*$/

/**
 * Lifecycle hooks given by name, checked and in the order given: a name of letters, digits, `-` and `_`
 * (not `exit`: that is the exit hook, `onExit`), a condition that can be one.
 *
 * @example
 * ```ts
 * namedHooks({ running: { when: expr`${status({ name: 'a' })} == "Running"`, run: step('n', notify) } }, ['a', 'hooks'])
 * // [{ name: 'running', when, run }]
 * ```
 */
export const namedHooks = (hooks: Readonly<Record<string, LifecycleHook>> | undefined, path: readonly string[]): readonly NamedHook[] =>
  Object.freeze(
    Object.entries(hooks ?? {}).map(([name, h]) => {
      if (name === 'exit') throw new DflowError([problem([...path, name], 'a hook named "exit" is the exit hook', 'give it as onExit')])
      if (!NAME.test(name)) throw new DflowError([problem([...path, name], `${JSON.stringify(name)} is not a hook name`, 'name it with letters, digits, "-" and "_"')])
      if (h?.run?._tag !== 'Step') throw new DflowError([problem([...path, name, 'run'], 'a hook runs a step', "give { when, run: step('…', template, args) }")])
      return Object.freeze({ name, when: checkedCondition(h.when, [...path, name, 'when'].join('.')), run: h.run })
    }),
  )

/**
 * The calls a step makes: itself, its lifecycle hooks' steps, its exit hook — every template it needs.
 *
 * @example
 * ```ts
 * callsOf(step('a', hello, {}, { onExit: step('bye', bye) })) // [a, bye]
 * ```
 */
export const callsOf = (s: Step): readonly Step[] => [s, ...(s.hooks ?? []).map((h) => h.run), ...(s.onExit ? [s.onExit] : [])]

/**
 * A workflow's roots: its body, its exit handler and its lifecycle hooks' steps — every node it runs.
 *
 * @example
 * ```ts
 * rootsOf(workflow('w', step('a', hello), { onExit: step('bye', bye) })) // [a, bye]
 * ```
 */
export const rootsOf = (wf: Workflow): readonly Node[] => [wf.body, ...(wf.onExit ? [wf.onExit] : []), ...(wf.hooks ?? []).map((h) => h.run)]
