import type { FailurePolicy, Problem, Template } from 'dflow-ts'
import type { ArgoTemplate } from './manifest.ts'
import type { ResolvedOptions } from './options.ts'

/**
 * What the pieces of the compiler share during one `compile`: the options, the templates defined so far
 * (each once, in the order first met), fresh template names, and the problems found. Created by
 * `compile` and never seen outside it, so the compile stays a pure function.
 *
 * @example
 * ```ts
 * const name = c.templateOf(step.template) // compiled on first use, then only named
 * ```
 */
export interface Compiler {
  readonly options: ResolvedOptions
  /**
   * The name of a user template, compiling it the first time; a call's own retry or timeout gets a variant of
   * a leaf template, and so does a gathered fan-out (`gathered`: the outputs it writes under keys by index).
   */
  readonly templateOf: (t: Template, call?: FailurePolicy, gathered?: readonly string[]) => string
  /** Whether the body of this template (the entry template, the exit handler, a sub-workflow) runs once per workflow. */
  readonly runsOnce: (template: string) => boolean
  /** A template name not used yet, `base` if free, else `base-2`, `base-3`, … */
  readonly freshName: (base: string) => string
  /** Reserves the next place in the manifest for a template and fills it with `build()`. */
  readonly define: (build: () => ArgoTemplate) => void
  readonly report: (problems: readonly Problem[]) => void
}
