import type { KeyTemplate, Ref } from 'dflow-ts'
import { compact } from './io.ts'
import type { ArgoParameter, ArgoTemplate } from './manifest.ts'

/** The input parameter that carries a step's key into the manifest, so that a query can find the node by it. @example KEY_PARAM // 'dflow-key' */
export const KEY_PARAM = 'dflow-key'

/**
 * A template with the key input declared; a script also gets it as the environment variable `dflow_key`
 * (a function OP's `ctx.key` reads it there).
 *
 * @example
 * ```ts
 * withKeyInput(template).inputs.parameters // [..., { name: 'dflow-key', default: '' }]
 * ```
 */
export const withKeyInput = (t: ArgoTemplate): ArgoTemplate =>
  compact({
    ...t,
    inputs: compact({ ...(t.inputs ?? {}), parameters: [...(t.inputs?.parameters ?? []), { name: KEY_PARAM, default: '' } as ArgoParameter] }),
    ...(t.script ? { script: { ...t.script, env: [...(t.script.env ?? []), { name: 'dflow_key', value: `{{inputs.parameters.${KEY_PARAM}}}` }] } } : {}),
  })

/**
 * The argument that passes a key: its text with each reference as an Argo tag.
 *
 * @example
 * ```ts
 * keyArgument(key`iter-${iter}`, resolve) // { name: 'dflow-key', value: 'iter-{{inputs.parameters.iter}}' }
 * ```
 */
export const keyArgument = (k: string | KeyTemplate, resolve: (r: Ref) => string): { name: string; value: string } => ({
  name: KEY_PARAM,
  value: typeof k === 'string' ? k : k.parts.map((p) => (typeof p === 'string' ? p : resolve(p))).join(''),
})
