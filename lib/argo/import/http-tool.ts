/**
 * The program an imported `http` template runs (Argo's HTTP template, executed there by the agent pod), and
 * the leaf runner's fetch of an input artifact over HTTP (`artifact`): one request with Node's fetch. Its fixed settings are JSON in `DFLOW_ARGO_HTTP` ({@link HttpRequest}); the texts
 * the leaf runner substitutes tags in are their own variables: `DFLOW_ARGO_HTTP_URL`, `DFLOW_ARGO_HTTP_BODY`,
 * `DFLOW_ARGO_HTTP_H<i>` (the i-th header's value). The response body is written to stdout (the step's
 * `outputs.result`). The step fails (exit 1, the reason on stderr) when the request errors or times out, when
 * `successCondition` is false, or — without one — when the status code is not 2xx (Argo's agent:
 * "received non-2xx response code: N"; redirects are followed first, as Go's client does). With `artifact`, the
 * body is written to its path instead (unpacked as Argo's executor unpacks an input, lib/storage/argo-land.ts),
 * and a status outside 200–299 fails it as Argo's http artifact driver does ("loading content from URL failed
 * with reason: 500 Internal Server Error"; exit 3 for a 404, so that the runner skips an optional input).
 *
 * @example
 * ```sh
 * DFLOW_ARGO_HTTP='{"method":"GET","headers":[],"timeoutSeconds":30}' DFLOW_ARGO_HTTP_URL=http://127.0.0.1:8080/ \
 *   node --import tsx lib/argo/import/http-tool.ts
 * ```
 */
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebStream } from 'node:stream/web'
import { DflowError, problem } from 'dflow-ts'
import { landArtifact, type ArgoArchive } from '../../storage/argo-land.ts'
import { parseLang } from './expr-lang.ts'
import { evalLang } from './expr-lang-eval.ts'

/** What `DFLOW_ARGO_HTTP` holds. @example const r: HttpRequest = { method: 'POST', headers: ['x-token'], timeoutSeconds: 30, body: true } */
export interface HttpRequest {
  readonly method: string
  /** The headers' names; the i-th value is `DFLOW_ARGO_HTTP_H<i>`. */
  readonly headers: readonly string[]
  readonly body?: boolean
  readonly successCondition?: string
  /** No limit when not given (an artifact's fetch: Argo's driver sets none). */
  readonly timeoutSeconds?: number
  readonly insecureSkipVerify?: boolean
  /** An input artifact's fetch: where the body lands, and how it is unpacked. */
  readonly artifact?: { readonly path: string; readonly archive: ArgoArchive }
}

/** The names a successCondition reads (Argo's `response.*`). */
const RESPONSE = ['response.statusCode', 'response.body', 'response.headers']

/**
 * A successCondition parsed, its names Argo's `response.*` (each a stand-in reference, valued by
 * {@link successOf}); a syntax error or another name is a DflowError at `path`.
 *
 * @example parseSuccess('response.statusCode == 201', ['spec', 'templates', '0', 'http', 'successCondition']).refs.length // 1
 */
export const parseSuccess = (condition: string, path: readonly string[]) =>
  parseLang(condition, path, (name) => {
    // `response.headers["Server"]` reaches here as the one name response.headers.Server
    if (!RESPONSE.includes(name) && !name.startsWith('response.headers.')) throw new DflowError([problem(path, `successCondition reads ${name}: it reads ${RESPONSE.join(', ')}`)])
    return { _tag: 'ParamRef', source: { kind: 'workflow' }, name, codec: { _tag: 'String' } } as never
  })

/**
 * Whether a response passes `condition` (expr-lang over response.statusCode, .body, .headers: a map of
 * lists, as Go's http.Header), or why it does not.
 *
 * @example successOf('response.statusCode == 201', 201, 'ok', {}) // undefined
 */
export const successOf = (condition: string | undefined, statusCode: number, body: string, headers: Record<string, readonly string[]>): string | undefined => {
  // Argo's agent (workflow/executor/agent.go, executeHTTPTemplate): without a successCondition, a status outside 200–299 fails
  if (condition === undefined) return statusCode < 200 || statusCode >= 300 ? `received non-2xx response code: ${statusCode}` : undefined
  const parsed = parseSuccess(condition, ['http', 'successCondition'])
  const values: Record<string, unknown> = { 'response.statusCode': statusCode, 'response.body': body, 'response.headers': headers }
  const v = evalLang(parsed.root, parsed.refs.map((r) => (r.name in values ? values[r.name] : (headers[r.name.slice('response.headers.'.length)] ?? null))) as never)
  if (typeof v !== 'boolean') throw new Error(`successCondition ${JSON.stringify(condition)} is not a boolean (it gave ${JSON.stringify(v)})`)
  return v ? undefined : `successCondition ${JSON.stringify(condition)} evaluated false (status ${statusCode})`
}

/** An input artifact's response: its body landed at the artifact's path, or the step's reason it could not be (Argo's http artifact driver's rule). */
const toArtifact = async (res: Response, url: string, a: NonNullable<HttpRequest['artifact']>): Promise<void> => {
  if (res.status < 200 || res.status >= 300) {
    await res.body?.cancel()
    process.stderr.write(`loading content from ${url} failed with reason: ${res.status} ${res.statusText}\n`)
    process.exitCode = res.status === 404 ? 3 : 1
    return
  }
  await landArtifact(a.path, a.archive, (raw) => pipeline(res.body ? Readable.fromWeb(res.body as WebStream) : Readable.from([]), createWriteStream(raw)))
}

const main = async (): Promise<void> => {
  const env = process.env
  const r = JSON.parse(env['DFLOW_ARGO_HTTP'] ?? '{}') as HttpRequest
  const url = env['DFLOW_ARGO_HTTP_URL'] ?? ''
  const headers = new Headers(r.headers.map((n, i): [string, string] => [n, env[`DFLOW_ARGO_HTTP_H${i}`] ?? '']))
  // insecureSkipVerify: TLS certificates are not checked for this request (Node reads the variable per process)
  if (r.insecureSkipVerify) env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0'
  try {
    const res = await fetch(url, {
      method: r.method,
      headers,
      ...(r.body ? { body: env['DFLOW_ARGO_HTTP_BODY'] ?? '' } : {}),
      ...(r.timeoutSeconds !== undefined ? { signal: AbortSignal.timeout(r.timeoutSeconds * 1000) } : {}),
    })
    if (r.artifact) return await toArtifact(res, url, r.artifact)
    const body = await res.text()
    const byName: Record<string, string[]> = {}
    // Go's canonical header names (Content-Type), as Argo's condition reads them
    res.headers.forEach((v, k) => (byName[k.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase())] ??= []).push(v))
    const why = successOf(r.successCondition, res.status, body, byName)
    process.stdout.write(body)
    if (why !== undefined) {
      process.stderr.write(`${why}\n`)
      process.exitCode = 1
    }
  } catch (e) {
    const x = e as Error & { cause?: Error }
    const reason = x.name === 'TimeoutError' ? `no response within ${r.timeoutSeconds}s (timeoutSeconds)` : `${x.message}${x.cause ? `: ${x.cause.message}` : ''}`
    process.stderr.write(`${r.method} ${url}: ${reason}\n`)
    process.exitCode = 1
  }
}

if (process.env['DFLOW_ARGO_HTTP'] !== undefined) void main()
