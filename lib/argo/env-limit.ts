import { problem, type IoSpec, type Problem } from 'dflow-ts'
import { encodedDefault } from './io.ts'

/** Linux's limit on one environment string, `NAME=value` and its NUL included (MAX_ARG_STRLEN: 32 pages). */
export const ENV_STRING_LIMIT = 131072

/**
 * Refuses a value known when compiling that could not be put in the environment of a pod: Kubernetes starts
 * the container with it, and the kernel refuses the whole start (`argument list too long`) before any of the
 * step's code runs. `what` names the value (`input "v"`, `a literal`). Argo also hands each pod's init and
 * wait containers the template with its inputs (parameters and `raw` artifact data) in one environment
 * variable (`ARGO_TEMPLATE`): a big parameter's literal (`raw`) meets the same limit, and only one passed by
 * reference (`from`, an artifact in the repository) escapes it — `raw` gives that hint.
 *
 * @example
 * ```ts
 * envLimitProblems('input "v"', 'dflow_in_v', 'x'.repeat(200_000), ['templates', 'copy'])
 * // [problem: input "v": a value of 200000 bytes does not fit in an environment variable … (hint: declare the input with bigParam(…) …)]
 * envLimitProblems('input "v"', 'dflow_in_v', 'small', ['templates', 'copy']) // []
 * ```
 */
export const envLimitProblems = (what: string, envName: string, value: string, path: readonly string[], raw = false): Problem[] => {
  // Cheap first: a UTF-16 unit is at most 3 bytes of UTF-8.
  if ((envName.length + value.length) * 3 + 2 <= ENV_STRING_LIMIT) return []
  const bytes = Buffer.byteLength(value)
  if (Buffer.byteLength(envName) + bytes + 2 <= ENV_STRING_LIMIT) return []
  const hint = raw
    ? 'pass it by reference (a step output or an uploaded artifact): a literal travels inside the template, which Argo puts in the environment of the pod (ARGO_TEMPLATE)'
    : what.startsWith('input')
      ? 'declare the input with bigParam(…) and pass it by reference: its value then travels as a file (an artifact)'
      : 'declare an input with bigParam(…) and pass the value to it by reference: it then travels as a file (an artifact)'
  return [problem(path, `${what}: a value of ${bytes} bytes does not fit in an environment variable of the pod (Linux takes at most ${ENV_STRING_LIMIT} bytes in one, and the pod would not start)`, hint)]
}

/**
 * {@link envLimitProblems} of the defaults of a template's inputs that reach its pod's environment (all but
 * big parameters).
 *
 * @example
 * ```ts
 * defaultLimitProblems({ d: param(t.string, { default: 'y'.repeat(200_000) }) }, ['templates', 'copy']) // [problem: input "d": …]
 * ```
 */
export const defaultLimitProblems = (inputs: IoSpec, path: readonly string[]): Problem[] =>
  Object.entries(inputs).flatMap(([name, s]) => {
    const d = s._tag === 'Param' && !s.big ? encodedDefault(s) : undefined
    return d === undefined ? [] : envLimitProblems(`input "${name}"`, `dflow_in_${name}`, d, [...path, 'inputs', name])
  })
