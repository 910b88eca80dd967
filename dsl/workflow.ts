import type { ArtifactsSpec, Node, ParamsSpec, Workflow, WorkflowOptions } from './node.ts'
import { refsOf, type RefsOf } from './refs.ts'
import { namedHooks } from './hooks.ts'

/**
 * A workflow: a name (a valid Kubernetes name), a body, and optionally parameters and artifacts whose values
 * are given when it is run. The body may be a function of their references (one record: parameters and
 * artifacts share one namespace).
 *
 * @example
 * ```ts
 * const wf = workflow('global-parameters',
 *   ({ message }) => step('print', printMessage, { message }),
 *   { parameters: { message: param(t.string, { default: 'hello world' }) } })
 * await local().run(wf, { parameters: { message: 'hi' } })
 *
 * const counted = workflow('count', ({ data }) => step('wc', wc, { file: data }), { artifacts: { data: artifact() } })
 * compile(counted, { artifacts: { data: 's3://my-bucket/inputs/data.txt' } }) // spec.arguments.artifacts
 * ```
 */
export const workflow = <P extends ParamsSpec = {}, A extends ArtifactsSpec = {}>(
  name: string,
  body: Node | ((refs: RefsOf<P> & RefsOf<A>) => Node),
  options: WorkflowOptions<P, A> = {},
): Workflow<P, A> => {
  const parameters = (options.parameters ?? {}) as P
  const artifacts = options.artifacts
  const { parameters: _p, artifacts: _a, hooks: given, ...rest } = options
  const hooks = namedHooks(given, [name, 'hooks'])
  const refs = { ...refsOf(artifacts ?? {}, { kind: 'workflow' }), ...refsOf(parameters, { kind: 'workflow' }) } as RefsOf<P> & RefsOf<A>
  return Object.freeze({
    ...rest,
    _tag: 'Workflow' as const,
    name,
    parameters,
    ...(artifacts !== undefined && Object.keys(artifacts).length > 0 ? { artifacts } : {}),
    body: typeof body === 'function' ? body(Object.freeze(refs) as RefsOf<P> & RefsOf<A>) : body,
    ...(hooks.length ? { hooks } : {}),
  })
}
