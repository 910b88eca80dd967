/**
 * A fault-injecting loopback HTTP proxy: a stand-in for an S3 server that fails (s3rver never answers
 * 5xx or throttles). It forwards every request to the real server behind it, except those for which
 * `fault` says to answer an S3 error (`{ status, code }`, with the XML body S3 sends) or to reset the
 * connection. It records every request it saw.
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What to do with one request. @example { status: 503, code: 'SlowDown' } */
export type Fault = 'pass' | 'reset' | { readonly status: number; readonly code: string }

/** A running stand-in proxy. @example const p = await faultProxy(s3.port, () => 'pass'); p.endpoint */
export interface FaultProxy {
  readonly endpoint: string
  /** `METHOD /path?query` of every request, in arrival order. */
  readonly seen: string[]
  /** The most requests it had in flight at once. */
  readonly maxInFlight: () => number
  readonly close: () => Promise<void>
}

/**
 * Starts the stand-in on a free loopback port, in front of the server at `upstreamPort`.
 *
 * @example
 * ```ts
 * let n = 0
 * const proxy = await faultProxy(s3.port, (req) => (req.method === 'PUT' && n++ < 2 ? { status: 503, code: 'SlowDown' } : 'pass'))
 * ```
 */
export const faultProxy = (upstreamPort: number, fault: (req: IncomingMessage) => Fault): Promise<FaultProxy> =>
  new Promise((resolve) => {
    const seen: string[] = []
    let inFlight = 0
    let most = 0
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      most = Math.max(most, ++inFlight)
      res.on('close', () => inFlight--)
      const f = fault(req)
      if (f === 'reset') {
        req.socket.destroy()
        return
      }
      if (f !== 'pass') {
        req.resume()
        req.on('end', () => {
          res.writeHead(f.status, { 'content-type': 'application/xml' })
          res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${f.code}</Code><Message>injected by the stand-in proxy</Message></Error>`)
        })
        return
      }
      const up = httpRequest({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent: false }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      })
      up.on('error', () => req.socket.destroy())
      req.pipe(up)
    })
    server.listen(0, '127.0.0.1', () =>
      resolve({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        maxInFlight: () => most,
        close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    )
  })
