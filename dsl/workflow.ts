import type { Node, ParamsSpec, Workflow, WorkflowOptions } from './node.ts'
import { refsOf, type RefsOf } from './refs.ts'

/**
 * A workflow: a name (a valid Kubernetes name), a body, and optionally parameters whose values are given
 * when it is run. The body may be a function of the parameters' references.
 *
 * @example
 * ```ts
 * const wf = workflow('global-parameters',
 *   ({ message }) => step('print', printMessage, { message }),
 *   { parameters: { message: param(t.string, { default: 'hello world' }) } })
 * await local().run(wf, { parameters: { message: 'hi' } })
 * ```
 */
export const workflow = <P extends ParamsSpec = {}>(
  name: string,
  body: Node | ((parameters: RefsOf<P>) => Node),
  options: WorkflowOptions<P> = {},
): Workflow<P> => {
  const parameters = (options.parameters ?? {}) as P
  const { parameters: _p, ...rest } = options
  return Object.freeze({
    ...rest,
    _tag: 'Workflow' as const,
    name,
    parameters,
    body: typeof body === 'function' ? body(refsOf(parameters, { kind: 'workflow' })) : body,
  })
}
