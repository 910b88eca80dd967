import type { Problem } from 'dflow-ts'
import { lint } from './lint/index.ts'
import type { ArgoVersion } from './options.ts'
import { schemaProblems } from './schema.ts'

/**
 * Checks an Argo document (a compiled manifest or a hand-written one) against Argo's JSON schema for the
 * target version (with closed objects and int-or-string patched in) and then against the lint of the
 * rules the schema cannot see. Returns every problem, each naming its path and rule; `[]` means valid.
 *
 * @example
 * ```ts
 * validate(compile(wf))                            // []
 * validate({ ...m, apiVersion: 'argoproj.io/v1' }) // [{ path: ['apiVersion'], message: 'must be equal to constant ("argoproj.io/v1alpha1") [schema: const]' }]
 * ```
 */
export const validate = (doc: unknown, options: { readonly argoVersion?: ArgoVersion } = {}): Problem[] => [
  ...schemaProblems(doc, options.argoVersion ?? 'v4.1'),
  ...lint(doc),
]
