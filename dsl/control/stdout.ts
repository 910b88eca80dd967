import type { Codec } from '../codec.ts'
import type { ParamSpec } from '../io.ts'

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
