import { decodeParam, finite, problem, type ParamsSpec, type Problem, type Workflow } from 'dflow-ts'

/**
 * How a caller gives a parameter its value, for the hint of a missing one: the API's syntax by default.
 *
 * @example
 * ```ts
 * const cli: HowToGive = (name) => `-p ${name}=VALUE`
 * ```
 */
export type HowToGive = (name: string) => string

/** The API's way: `pass { parameters: { n: … } }`. @example API_SYNTAX('n') // 'pass { parameters: { n: … } }' */
export const API_SYNTAX: HowToGive = (k) => `pass { parameters: { ${k}: … } }`

/**
 * The problems of the parameter values given for a run of `wf`: unknown names, missing values (the hint says
 * how to give one, in the caller's syntax), and values that do not fit their codec — a string is read as a wire
 * value, and a number out of range (`1e400`, Infinity) is never one.
 *
 * @example
 * ```ts
 * parameterProblems(wf, {})                          // [… parameter "n" has no default … (hint: pass { parameters: { n: … } })]
 * parameterProblems(wf, {}, (k) => `-p ${k}=VALUE`)   // [… (hint: -p n=VALUE)]
 * parameterProblems(wf, { n: '1e400' })              // [… expected number, got "1e400" (not a finite number)]
 * ```
 */
export const parameterProblems = (wf: Workflow<any>, given: Readonly<Record<string, unknown>>, howToGive: HowToGive = API_SYNTAX): readonly Problem[] => {
  const specs: ParamsSpec = wf.parameters
  return [
    ...Object.keys(given)
      .filter((k) => !(k in specs))
      .map((k) => problem([wf.name, 'parameters', k], `the workflow has no parameter "${k}"`, `its parameters: ${Object.keys(specs).join(', ') || 'none'}`)),
    ...Object.entries(specs).flatMap(([k, spec]) => {
      if (!(k in given)) return spec.default ? [] : [problem([wf.name, 'parameters', k], `parameter "${k}" has no default and no value was given`, howToGive(k))]
      const v = given[k]
      if (typeof v === 'string') {
        const d = decodeParam(spec.codec, v)
        return d.ok ? [] : [problem([wf.name, 'parameters', k], d.message)]
      }
      return spec.codec.is(v) && finite(v) ? [] : [problem([wf.name, 'parameters', k], `${JSON.stringify(v) ?? String(v)} is not a ${spec.codec.name}${finite(v) ? '' : ' (not a finite number)'}`)]
    }),
  ]
}

/**
 * The problems of the workflow artifacts given for a run of `wf` (`workflow(…, { artifacts })`): a name the
 * workflow does not declare, and a declared artifact that is not optional and was given no value (the hint
 * says how to give one, in the caller's syntax).
 *
 * @example
 * ```ts
 * artifactProblems(wf, {})                          // [… artifact "data" has no value (hint: pass { artifacts: { data: … } })]
 * artifactProblems(wf, {}, (k) => `-a ${k}=REF`)    // [… (hint: -a data=REF)]
 * ```
 */
export const artifactProblems = (wf: Workflow<any>, given: Readonly<Record<string, unknown>>, howToGive: HowToGive = (k) => `pass { artifacts: { ${k}: … } }`): readonly Problem[] => {
  const specs: Readonly<Record<string, { readonly optional?: boolean }>> = wf.artifacts ?? {}
  return [
    ...Object.keys(given)
      .filter((k) => !(k in specs))
      .map((k) => problem([wf.name, 'artifacts', k], `the workflow has no artifact "${k}"`, `its artifacts: ${Object.keys(specs).join(', ') || 'none'}`)),
    ...Object.entries(specs).flatMap(([k, spec]) => (k in given || spec.optional ? [] : [problem([wf.name, 'artifacts', k], `artifact "${k}" has no value`, howToGive(k))])),
  ]
}
