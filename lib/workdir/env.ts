import type { Scalar } from 'dflow-ts'
import type { Value } from '../engine/values.ts'

/** What {@link envValue} reads of the run: the workflow's parameters and the run's id. @example const c: EnvContext = { params: {}, runId: 'steps-1' } */
export interface EnvContext {
  readonly params: Readonly<Record<string, Value>>
  readonly runId: string
}

/** The value of each environment variable a rendered script expects. @example envValue(ref, inputs, staged, outPaths, ctx, 'hello1') // '4' */
export const envValue = (v: Scalar, inputs: Readonly<Record<string, Value>>, staged: Readonly<Record<string, string>>, outPaths: Readonly<Record<string, string>>, ctx: EnvContext, id: string): string => {
  if (typeof v !== 'object') return String(v)
  switch (v._tag) {
    case 'ParamRef': {
      const val = v.source.kind === 'workflow' ? ctx.params[v.name] : inputs[v.name]
      return val?.kind === 'param' ? val.wire : ''
    }
    case 'ArtifactRef':
      return staged[v.name] ?? ''
    case 'OutputPath':
      return outPaths[v.name]!
    case 'ContextVar':
      return v.name === 'workflow.name' ? ctx.runId : id
  }
}

/** The holes whose value may be large, and so may reach the script as a file: parameters and string literals. @example mayBeLarge('text') // true */
export const mayBeLarge = (v: Scalar): boolean => typeof v === 'string' || (typeof v === 'object' && v._tag === 'ParamRef')

