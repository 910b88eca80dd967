import type { WorkloadId } from './workloads.ts'

/**
 * One system the bench compares. `prepare` does the untimed set-up (writing a Makefile, building a
 * workflow value) and returns the timed part and the untimed check of its result.
 *
 * @example
 * ```ts
 * const p = await make.prepare('W1', 100, dir)
 * const t0 = performance.now(); await p.go(); const ms = performance.now() - t0
 * await p.check()
 * ```
 */
export interface Runner {
  readonly name: string
  /** `undefined` when the runner can run here, otherwise why it is skipped. */
  readonly probe: () => Promise<string | undefined>
  /** What runs, with its version (printed at the top of the bench); asked only when `probe` passed. */
  readonly version: () => Promise<string>
  readonly prepare: (w: WorkloadId, n: number, dir: string) => Promise<Prepared>
}

/** A prepared run: `go` is timed, `check` is not. @example await (await r.prepare('W2', 500, dir)).go() */
export interface Prepared {
  readonly go: () => Promise<void>
  readonly check: () => Promise<void>
}
