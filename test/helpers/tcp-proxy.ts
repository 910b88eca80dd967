/**
 * A loopback TCP proxy in front of a real server (here: the test sshd), to count the connections a client
 * opens and to cut them mid-use.
 */
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** A running proxy. @example const p = await tcpProxy(2222); p.port; p.connections() */
export interface TcpProxy {
  readonly port: number
  /** How many connections clients opened through it. */
  readonly connections: () => number
  /** The local ports of its connections to the server (the source ports the server sees), in order. */
  readonly upstreamPorts: readonly number[]
  /** Destroys every open connection (both sides), as a network drop would; new ones are still accepted. */
  readonly cut: () => void
  readonly close: () => Promise<void>
}

/**
 * Starts the proxy on a free loopback port, forwarding to 127.0.0.1:`upstreamPort`. With `cutFirstAfterBytes`,
 * the first connection is dropped once the server has sent that many bytes through it (a drop mid-transfer).
 *
 * @example
 * ```ts
 * const proxy = await tcpProxy(2222)
 * const ctx = sshContext({ host: '127.0.0.1', port: proxy.port, … })
 * ```
 */
export const tcpProxy = (upstreamPort: number, options: { readonly cutFirstAfterBytes?: number } = {}): Promise<TcpProxy> =>
  new Promise((resolve) => {
    const open = new Set<Socket>()
    const upstreamPorts: number[] = []
    let count = 0
    const server = createServer((client) => {
      count++
      const up = connect(upstreamPort, '127.0.0.1')
      up.once('connect', () => upstreamPorts.push(up.localPort!))
      for (const s of [client, up]) {
        open.add(s)
        s.on('close', () => open.delete(s))
        s.on('error', () => undefined)
      }
      client.on('close', () => up.destroy())
      up.on('close', () => client.destroy())
      client.pipe(up)
      up.pipe(client)
      const limit = count === 1 ? options.cutFirstAfterBytes : undefined
      if (limit !== undefined) {
        let sent = 0
        up.on('data', (b: Buffer) => {
          sent += b.length
          if (sent > limit) (client.destroy(), up.destroy())
        })
      }
    })
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        connections: () => count,
        upstreamPorts,
        cut: () => {
          for (const s of open) s.destroy()
        },
        close: () => new Promise<void>((r) => {
          for (const s of open) s.destroy()
          server.close(() => r())
        }),
      }),
    )
  })
