import { readFileSync } from 'node:fs'
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { problem, type Problem } from 'dflow-ts'
import { packageFile } from '../loader/package-files.ts'
import type { ArgoVersion } from './options.ts'

/** The Argo kinds the schema describes. @example const k: ArgoKind = 'Workflow' */
export type ArgoKind = 'Workflow' | 'WorkflowTemplate' | 'ClusterWorkflowTemplate' | 'CronWorkflow' | 'WorkflowEventBinding'

/** The kinds {@link schemaProblems} knows. @example ARGO_KINDS.includes('Workflow') // true */
export const ARGO_KINDS: readonly ArgoKind[] = ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow', 'WorkflowEventBinding']

/** The schema file shipped for each version (copied verbatim from Argo's `api/jsonschema/schema.json`). */
const SCHEMA_FILES: Readonly<Record<ArgoVersion, string>> = { 'v4.1': 'schema-v4.1.2.json', 'v3.7': 'schema-v3.7.18.json' }

type Schema = { $id: string; definitions: Record<string, Record<string, unknown>> }

/**
 * The two patches that make Argo's schema useful (reference: argo.md §1.2–1.3): objects that list their
 * properties are closed (`additionalProperties: false`, so `contaner:` and `withItem:` are caught), and
 * IntOrString / Quantity accept numbers as Kubernetes does. Mutates the freshly read copy it is given.
 */
const patch = (schema: Schema): Schema => {
  const close = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(close)
    if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>
      if (r['properties'] && !('additionalProperties' in r)) r['additionalProperties'] = false
      Object.values(r).forEach(close)
    }
  }
  close(schema.definitions)
  schema.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!['type'] = ['string', 'integer']
  schema.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']!['type'] = ['string', 'number']
  return schema
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
const cache = new Map<ArgoVersion, Readonly<Record<ArgoKind, ValidateFunction>>>()

/** The validators of one version, compiled on first use (about a second: the schema is large) and kept. */
const validators = (version: ArgoVersion): Readonly<Record<ArgoKind, ValidateFunction>> => {
  const known = cache.get(version)
  if (known) return known
  const file = packageFile(`lib/argo/schema/${SCHEMA_FILES[version]}`)
  const schema = patch(JSON.parse(readFileSync(file, 'utf8')) as Schema)
  const ajv = new Ajv2020({ strict: false, allErrors: true, code: { optimize: false } })
  addFormats(ajv)
  for (const f of ['int32', 'int64', 'uint64', 'byte']) ajv.addFormat(f, true)
  ajv.addSchema(schema)
  const byKind = Object.fromEntries(
    ARGO_KINDS.map((k) => [k, ajv.getSchema(`${schema.$id}#/definitions/io.argoproj.workflow.v1alpha1.${k}`)!]),
  ) as Record<ArgoKind, ValidateFunction>
  cache.set(version, byKind)
  return byKind
}

const pathOf = (pointer: string): string[] => (pointer ? pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [])

const messageOf = (e: ErrorObject): string => {
  const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : e.keyword === 'const' ? ` (${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)})` : ''
  return `${e.message ?? 'is invalid'}${extra} [schema: ${e.keyword}]`
}

/**
 * Checks a document against Argo's JSON schema for its kind and version, with the two patches above.
 * Each problem names the path (JSON pointer split into keys) and the rule (`[schema: KEYWORD]`).
 *
 * @example
 * ```ts
 * schemaProblems({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: {}, spec: { templates: [{ name: 'a', contaner: {} }] } })
 * // [{ path: ['spec', 'templates', '0'], message: 'must NOT have additional properties (contaner) [schema: additionalProperties]' }]
 * ```
 */
export const schemaProblems = (doc: unknown, version: ArgoVersion = 'v4.1'): Problem[] => {
  const kind = (doc as { kind?: unknown } | null)?.kind
  if (!ARGO_KINDS.includes(kind as ArgoKind))
    return [problem(['kind'], `kind ${JSON.stringify(kind)} is not an Argo kind [schema: kind]`, `one of ${ARGO_KINDS.join(', ')}`)]
  const v = validators(version)[kind as ArgoKind]
  if (v(doc)) return []
  const seen = new Set<string>()
  return (v.errors ?? []).flatMap((e) => {
    const p = problem(pathOf(e.instancePath), messageOf(e))
    const key = `${p.path.join('.')}|${p.message}`
    return seen.has(key) ? [] : (seen.add(key), [p])
  })
}
