import type { Expr, NamedHook } from 'dflow-ts'
import type { Phase } from '../run/records.ts'

/** How one hook's step ended. @example const e: HookEnd = { phase: 'Error', message: 'no input "x"' } */
export interface HookEnd {
  readonly phase: Phase
  readonly message?: string
}

/**
 * The lifecycle hooks of one step, or of the workflow (Argo's `hooks` but `exit`; its docs/lifecyclehook.md,
 * and workflow/controller/hooks.go, which checks every hook at each reconcile of its node): each hook's step
 * starts at most once, in parallel to what it is attached to, when its condition holds at a `check` — the
 * interpreter checks when the step starts running (its status reads `Running`) and once it has ended, the
 * moments its own status changes. `settle` waits for every hook started and says why the parent fails, if
 * one must: a hook that ended `Error` fails it (`continueOn` does not cover it), one that ended `Failed` is
 * ignored; so is a condition that cannot be read while the step runs, but not one that cannot be read at
 * the end.
 *
 * @example
 * ```ts
 * const hooks = lifecycleHooks(step.hooks, (when) => holds(when, scope), (h) => runHook(h))
 * hooks.check(false) // the step is Running
 * hooks.check(true)  // it has ended
 * await hooks.settle() // undefined, or 'hook running errored: …'
 * ```
 */
export const lifecycleHooks = (hooks: readonly NamedHook[], holds: (when: Expr) => boolean | string, start: (h: NamedHook) => Promise<HookEnd>) => {
  const started = new Map<string, Promise<HookEnd>>()
  const unreadable: string[] = []
  return {
    check: (last: boolean): void => {
      for (const h of hooks) {
        if (started.has(h.name)) continue
        const go = holds(h.when)
        if (go === true) started.set(h.name, start(h))
        else if (typeof go === 'string' && last) unreadable.push(`hook ${h.name}: ${go}`)
      }
    },
    settle: async (): Promise<string | undefined> => {
      const ends = await Promise.all([...started].map(async ([name, p]) => [name, await p] as const))
      const errors = [...ends.filter(([, e]) => e.phase === 'Error').map(([name, e]) => `hook ${name} errored${e.message ? `: ${e.message}` : ''}`), ...unreadable]
      return errors.length ? errors.join('; ') : undefined
    },
  }
}
