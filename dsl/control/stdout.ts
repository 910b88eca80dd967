import type { Codec } from '../codec.ts'
import type { IoSpec, ParamSpec } from '../io.ts'

/**
 * An output parameter whose value is what the script prints on stdout, one trailing newline dropped
 * (Argo's `outputs.result`). Only templates that declare it have their stdout captured apart from the log.
 *
 * @example
 * ```ts
 * shell({ name: 'flip', outputs: { result: stdout(t.string) }, script: () => sh`echo heads` })
 * // Argo: consumers read {{steps.flip.outputs.result}}
 * ```
 */
export const stdout = <A>(codec: Codec<A>): ParamSpec<A, false> => Object.freeze({ _tag: 'Param' as const, codec, stdout: true as const })

/**
 * Whether a template declares a {@link stdout} output: its stdout is then kept apart from the log (and, on
 * Argo, captured as the calls' `outputs.result`).
 *
 * @example
 * ```ts
 * keepsStdout(shell({ name: 'flip', outputs: { result: stdout(t.string) }, script: () => sh`echo heads` })) // true
 * ```
 */
export const keepsStdout = (t: { readonly outputs: IoSpec }): boolean => Object.values(t.outputs).some((s) => s._tag === 'Param' && s.stdout === true)
