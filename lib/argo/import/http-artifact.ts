import { DflowError } from 'dflow-ts'
import { FIELDS, fieldProblems, type Warnings } from './fields.ts'
import type { SecretValue } from './s3-artifact.ts'
import { fail } from './fail.ts'

type Obj = Record<string, any>

/** An input artifact fetched over HTTP before the step runs: its url and headers (tags substituted by the leaf runner). @example const h: HttpArtifact = { url: 'http://127.0.0.1:8080/data.csv', headers: [['x-token', 'abc']] } */
export interface HttpArtifact {
  readonly url: string
  readonly headers: readonly (readonly [string, string])[]
}

/**
 * An input artifact's `http:` (Argo's HTTPArtifact): `url`, `headers` (`{ name, value }`: Argo's artifact
 * headers have no valueFrom), and `auth.basicAuth` (`usernameSecret` / `passwordSecret`, read from the
 * `--secret FILE` documents), sent as Go's `SetBasicAuth` does — an `Authorization: Basic …` header, when both
 * are non-empty (Argo's http artifact driver). `auth.clientCert` and `auth.oauth2`, and a missing url, are
 * errors at their path.
 *
 * @example
 * ```ts
 * httpArtifactOf({ url: 'http://127.0.0.1:8080/a.csv', auth: { basicAuth: { usernameSecret: { name: 'web', key: 'user' }, passwordSecret: { name: 'web', key: 'pass' } } } }, ['spec', 'templates', '0', 'inputs', 'artifacts', '0', 'http'], secretValue, w)
 * // { url: 'http://127.0.0.1:8080/a.csv', headers: [['Authorization', 'Basic dXNlcjpwYXNz']] }
 * ```
 */
export const httpArtifactOf = (h: Obj, path: readonly string[], secretValue: SecretValue, w: Warnings): HttpArtifact => {
  const ps = fieldProblems(h, FIELDS.httpArtifact, path, w)
  if (ps.length) throw new DflowError(ps)
  if (typeof h.url !== 'string' || !h.url) fail([...path, 'url'], 'an http artifact needs a url', 'give http.url')
  const given = (Array.isArray(h.headers) ? h.headers : h.headers === undefined ? [] : fail([...path, 'headers'], 'headers is a list of { name, value }')) as Obj[]
  const headers = given.map((x, i): readonly [string, string] => {
    const at = [...path, 'headers', String(i)]
    if (typeof x?.name !== 'string' || !x.name) fail([...at, 'name'], 'a header needs a name')
    if (x.value === undefined) fail([...at, 'value'], "a header of an http artifact needs a value (Argo's artifact headers have no valueFrom)", 'give value, or use basicAuth for credentials')
    return [x.name, String(x.value)]
  })
  const auth = (h.auth ?? {}) as Obj
  for (const k of Object.keys(auth)) if (k !== 'basicAuth') fail([...path, 'auth', k], `auth.${k} is not supported locally`, 'use auth.basicAuth, or a header')
  const basic = auth.basicAuth as Obj | undefined
  if (basic === undefined) return { url: h.url, headers }
  const secret = (f: string): string => {
    const ref = basic[f] as Obj | undefined
    if (ref === undefined) return ''
    if (ref?.name === undefined || ref?.key === undefined) return fail([...path, 'auth', 'basicAuth', f], `${f} names a Secret's name and key`)
    return secretValue(String(ref.name), String(ref.key), [...path, 'auth', 'basicAuth', f])
  }
  const [user, password] = [secret('usernameSecret'), secret('passwordSecret')]
  // Go's SetBasicAuth replaces any Authorization header the list gave
  const basicHeader: readonly [string, string][] = user && password ? [['Authorization', `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`]] : []
  return { url: h.url, headers: [...(basicHeader.length ? headers.filter(([n]) => n.toLowerCase() !== 'authorization') : headers), ...basicHeader] }
}
