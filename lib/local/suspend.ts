import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LeafExecutor } from '../engine/executor.ts'

/**
 * The file whose presence in a run folder suspends the run (`dflow suspend DIR` writes it, `dflow resume DIR`
 * removes it): Argo's `spec.suspend` for a local run.
 *
 * @example
 * ```ts
 * suspendFile('.dflow-runs/steps-20261201-101500-3f9a') // '.dflow-runs/steps-20261201-101500-3f9a/suspended'
 * ```
 */
export const suspendFile = (runDir: string): string => join(runDir, 'suspended')

/**
 * An executor that starts no call while `flag` exists — Argo's meaning of a suspended workflow: what runs
 * goes on, nothing new starts until resumed (the file removed). It looks every `pollMs` while suspended; a
 * stopped run (`signal`) stops waiting.
 *
 * @example
 * ```ts
 * const executor = suspendable(localExecutor(…), suspendFile(dir))
 * ```
 */
export const suspendable = (inner: LeafExecutor, flag: string, pollMs = 100): LeafExecutor => ({
  ...inner,
  run: async (call, signal, on) => {
    while (existsSync(flag) && !signal.aborted) await sleep(pollMs, undefined, { signal }).catch(() => {})
    return inner.run(call, signal, on)
  },
})
