import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { packageFile } from '../../loader/package-files.ts'
import { apiVersionOf, RESOURCES, type Resource } from './resources.ts'

const ARGO = 'io.argoproj.workflow.v1alpha1'

/** An operation as OpenAPI lists it: enough for kubectl to see which query parameters the server takes. */
const operations = (r: Resource, ref: string) => {
  const gvk = { group: r.group, version: r.version, kind: r.kind }
  const body = { content: { 'application/json': { schema: { $ref: ref } } } }
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } }
  const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } })
  const writeParams = [param('dryRun'), param('fieldManager'), param('fieldValidation')]
  const base = r.group ? `/apis/${apiVersionOf(r)}` : '/api/v1'
  const path = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`
  const nsParam = r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : []
  const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' } }
  const op = (verb: string, extra: object = {}) => ({ 'x-kubernetes-action': verb, 'x-kubernetes-group-version-kind': gvk, responses: ok, ...extra })
  return {
    [path]: {
      parameters: nsParam,
      get: op('list', { parameters: [param('labelSelector'), param('fieldSelector'), param('resourceVersion'), param('watch')] }),
      post: op('post', { parameters: writeParams, requestBody: body }),
    },
    [`${path}/{name}`]: {
      parameters: [...nsParam, nameParam],
      get: op('get'),
      put: op('put', { parameters: writeParams, requestBody: body }),
      patch: op('patch', {
        parameters: [...writeParams, param('force')],
        requestBody: { content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json'].map((t) => [t, { schema: { type: 'object' } }])) },
      }),
      delete: op('delete'),
    },
  }
}

const loose = (r: Resource) => ({
  type: 'object',
  'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
  'x-kubernetes-preserve-unknown-fields': true,
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
})

let argoDoc: string | undefined
/** The OpenAPI v3 document of argoproj.io/v1alpha1: Argo's JSON schema as its components, the workflow, WorkflowTemplate and ClusterWorkflowTemplate operations as its paths. */
const argoV3 = (): string => {
  if (argoDoc) return argoDoc
  const schema = JSON.parse(readFileSync(packageFile('lib/argo/schema/schema-v4.1.2.json'), 'utf8')) as { definitions: Record<string, unknown> }
  const schemas = JSON.parse(JSON.stringify(schema.definitions).replaceAll('"#/definitions/', '"#/components/schemas/')) as Record<string, Record<string, unknown>>
  const paths = Object.assign({}, ...[RESOURCES.workflows, RESOURCES.workflowtemplates, RESOURCES.clusterworkflowtemplates].map((r) => operations(r, `#/components/schemas/${ARGO}.${r.kind}`)))
  argoDoc = JSON.stringify({ openapi: '3.0.0', info: { title: 'dflow server: Argo Workflows', version: 'v1alpha1' }, paths, components: { schemas } })
  return argoDoc
}

const coreV3 = (): string => {
  const rs = [RESOURCES.pods, RESOURCES.configmaps]
  return JSON.stringify({
    openapi: '3.0.0',
    info: { title: 'dflow server: core', version: 'v1' },
    paths: Object.assign({}, ...rs.map((r) => operations(r, `#/components/schemas/io.k8s.api.core.v1.${r.kind}`))),
    components: { schemas: Object.fromEntries(rs.map((r) => [`io.k8s.api.core.v1.${r.kind}`, loose(r)])) },
  })
}

const docs: Readonly<Record<string, () => string>> = { 'apis/argoproj.io/v1alpha1': argoV3, 'api/v1': coreV3 }
const hashOf = (s: string) => createHash('sha512').update(s).digest('hex').slice(0, 64).toUpperCase()

/**
 * The OpenAPI v3 documents `kubectl` 1.32 reads before a `create` (to see that the server validates fields
 * itself, `fieldValidation` on the PATCH operation) and for `explain`: `/openapi/v3` (the index, each
 * group-version with its hash) and `/openapi/v3/apis/argoproj.io/v1alpha1`, built from Argo's JSON schema.
 * Returns undefined for any other path.
 *
 * @example
 * ```ts
 * JSON.parse(openapi('/openapi/v3')!).paths['apis/argoproj.io/v1alpha1'].serverRelativeURL // '/openapi/v3/apis/argoproj.io/v1alpha1?hash=…'
 * ```
 */
export const openapi = (path: string): string | undefined => {
  if (path === '/openapi/v3')
    return JSON.stringify({ paths: Object.fromEntries(Object.entries(docs).map(([k, d]) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${hashOf(d())}` }])) })
  const m = /^\/openapi\/v3\/(.+)$/.exec(path)
  return m ? docs[m[1]!]?.() : undefined
}
