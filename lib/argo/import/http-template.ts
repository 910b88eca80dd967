import { DflowError } from 'dflow-ts'
import { FIELDS, fieldProblems, type Warnings } from './fields.ts'
import { parseSuccess, type HttpRequest } from './http-tool.ts'
import type { ContainerSpec } from './leaf.ts'
import type { SecretValue } from './s3-artifact.ts'
import { HTTP_TOOL } from './s3-tool-command.ts'
import { fail } from './fail.ts'

type Obj = Record<string, any>

/** Argo's default request timeout (HTTP.timeoutSeconds: "Default is 30 seconds"). */
const DEFAULT_TIMEOUT = 30

/**
 * An Argo `http` template as the one container that runs the HTTP tool
 * (http-tool.ts): method (default GET), url, headers (a value, or valueFrom.secretKeyRef read from the
 * `--secret FILE` documents), body or bodyFrom.bytes, timeoutSeconds (default 30), successCondition (checked
 * here, evaluated by the tool on the response), insecureSkipVerify. The url, body and header values keep their
 * `{{…}}` tags, which the leaf runner substitutes as in a container's env. A missing url or a field without a
 * local meaning is an error at its path.
 *
 * @example
 * ```ts
 * httpContainer({ url: '{{inputs.parameters.url}}' }, ['spec', 'templates', '1', 'http'], secretValue, warnings)
 * // { name: 'main', role: 'main', command: [node, …, 'http-tool.ts'], env: [['DFLOW_ARGO_HTTP', '{"method":"GET",…}'], ['DFLOW_ARGO_HTTP_URL', '{{inputs.parameters.url}}']], … }
 * ```
 */
export const httpContainer = (h: Obj, path: readonly string[], secretValue: SecretValue, w: Warnings): ContainerSpec => {
  if (typeof h !== 'object' || h === null) return fail(path, 'an http template is an object with a url')
  const ps = fieldProblems(h, FIELDS.http, path, w)
  if (ps.length) throw new DflowError(ps)
  if (typeof h.url !== 'string' || !h.url) fail([...path, 'url'], 'an http request needs a url', 'give http.url')
  if (h.body !== undefined && h.bodyFrom !== undefined) fail([...path, 'bodyFrom'], 'give body or bodyFrom, not both')
  if (h.bodyFrom !== undefined && (typeof h.bodyFrom !== 'object' || Object.keys(h.bodyFrom).some((k) => k !== 'bytes'))) fail([...path, 'bodyFrom'], 'bodyFrom gives the body as bytes (base64)')
  const timeout = h.timeoutSeconds === undefined ? DEFAULT_TIMEOUT : Number(h.timeoutSeconds)
  if (!Number.isFinite(timeout) || timeout <= 0) fail([...path, 'timeoutSeconds'], `${JSON.stringify(h.timeoutSeconds)} is not a number of seconds`)
  if (h.insecureSkipVerify !== undefined && typeof h.insecureSkipVerify !== 'boolean') fail([...path, 'insecureSkipVerify'], 'insecureSkipVerify is true or false')
  if (h.successCondition !== undefined) {
    const at = [...path, 'successCondition']
    if (typeof h.successCondition !== 'string') fail(at, 'successCondition is expr-lang text')
    parseSuccess(h.successCondition, at)
  }
  const headers = (Array.isArray(h.headers) ? h.headers : h.headers === undefined ? [] : fail([...path, 'headers'], 'headers is a list of { name, value }')) as Obj[]
  const values = headers.map((x, i): string => {
    const at = [...path, 'headers', String(i)]
    const hp = fieldProblems(x, FIELDS.httpHeader, at, w)
    if (hp.length) throw new DflowError(hp)
    if (typeof x.name !== 'string' || !x.name) fail([...at, 'name'], 'a header needs a name')
    if (x.value !== undefined) return String(x.value)
    const ref = x.valueFrom?.secretKeyRef as Obj | undefined
    if (ref?.name === undefined || ref?.key === undefined || Object.keys(x.valueFrom).length !== 1) return fail([...at, 'valueFrom'], 'a header gives a value, or valueFrom.secretKeyRef (name, key)')
    return secretValue(String(ref.name), String(ref.key), [...at, 'valueFrom', 'secretKeyRef'])
  })
  const body = h.bodyFrom !== undefined ? Buffer.from(String(h.bodyFrom.bytes ?? ''), 'base64').toString() : h.body !== undefined ? String(h.body) : undefined
  const request: HttpRequest = {
    method: h.method === undefined ? 'GET' : String(h.method).toUpperCase(),
    headers: headers.map((x) => String(x.name)),
    ...(body !== undefined ? { body: true } : {}),
    ...(h.successCondition !== undefined ? { successCondition: h.successCondition } : {}),
    timeoutSeconds: timeout,
    ...(h.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  }
  return {
    name: 'main',
    path,
    role: 'main',
    command: HTTP_TOOL(),
    env: [['DFLOW_ARGO_HTTP', JSON.stringify(request)], ['DFLOW_ARGO_HTTP_URL', h.url], ...(body !== undefined ? [['DFLOW_ARGO_HTTP_BODY', body] as const] : []), ...values.map((v, i) => [`DFLOW_ARGO_HTTP_H${i}`, v] as const)],
  }
}
