import type { Client, SFTPWrapper } from 'ssh2'
import { ContextError } from '../errors.ts'
import { connectChain, type ConnectOptions, type Hop } from './connect.ts'
import { slots, type Slots } from './slots.ts'

/** One live connection: its clients (jumps first, the target last), and who to tell when it drops. @example live.onLost.add(() => fail('connection-lost')) */
export interface Live {
  readonly client: Client
  readonly clients: readonly Client[]
  closed: boolean
  /** Called once when the connection drops (in-flight channels fail with `connection-lost`). */
  readonly onLost: Set<() => void>
  /** The one SFTP session over it, opened on first use. */
  sftp?: Promise<SFTPWrapper>
}

/** Reconnect backoff. @example { firstDelayMs: 250, maxDelayMs: 5000, giveUpAfterMs: 60000 } */
export interface Backoff {
  readonly firstDelayMs: number
  readonly maxDelayMs: number
  readonly giveUpAfterMs: number
}

/** A connection that reconnects: `live()` is the current one, or a new one after a drop. @example const { client } = await conn.live() */
export interface Connection {
  readonly name: string
  readonly live: () => Promise<Live>
  /** Exec channels open at once (MaxSessions less the SFTP session's one). */
  readonly channels: Slots
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * One multiplexed connection to a host (through its jump hosts), opened on first use and again after it
 * drops, with exponential backoff while the host does not answer; host-key, authentication and configuration
 * errors are not retried. Exec channels take a slot of `maxSessions - 1` (sshd's MaxSessions counts the SFTP
 * session too).
 *
 * @example
 * ```ts
 * const conn = connection('ssh://me@login:22', [hop], options, backoff, 10)
 * const { client } = await conn.live()
 * ```
 */
export const connection = (name: string, hops: readonly Hop[], o: ConnectOptions, backoff: Backoff, maxSessions: number): Connection => {
  let current: Live | undefined
  let connecting: Promise<Live> | undefined
  let closed = false
  const closedError = () => new ContextError('not-started', name, 'the context is closed', 'make a new context')

  const lose = (live: Live) => {
    if (live.closed) return
    live.closed = true
    for (const f of live.onLost) f()
    live.onLost.clear()
    for (const c of [...live.clients].reverse()) c.end()
  }

  const attach = (clients: Client[]): Live => {
    const live: Live = { client: clients[clients.length - 1]!, clients, closed: false, onLost: new Set() }
    for (const c of clients) {
      c.on('close', () => lose(live))
      c.on('error', () => lose(live))
    }
    return live
  }

  const open = async (): Promise<Live> => {
    const started = Date.now()
    let delay = backoff.firstDelayMs
    for (;;) {
      if (closed) throw closedError()
      try {
        const live = attach(await connectChain(hops, o))
        if (closed) lose(live)
        return live
      } catch (e) {
        if (!(e instanceof ContextError) || !e.retryable) throw e
        if (Date.now() - started + delay > backoff.giveUpAfterMs)
          throw new ContextError('unreachable', name, `no connection after trying for ${Math.round((Date.now() - started) / 1000)} s: ${e.problems[0]?.message}`, 'check that the host is up and sshd runs; reconnect.giveUpAfterMs sets how long to keep trying', { cause: e })
        await sleep(delay)
        delay = Math.min(delay * 2, backoff.maxDelayMs)
      }
    }
  }

  return {
    name,
    channels: slots(Math.max(1, maxSessions - 1)),
    live: async () => {
      if (closed) throw closedError()
      if (current && !current.closed) return current
      connecting ??= open().then(
        (live) => ((current = live), (connecting = undefined), live),
        (e: unknown) => {
          connecting = undefined
          throw e
        },
      )
      return connecting
    },
    close: async () => {
      closed = true
      const live = current ?? (await connecting?.catch(() => undefined))
      if (!live || live.closed) return
      const ended = Promise.all(live.clients.map((c) => new Promise<void>((r) => c.once('close', () => r()))))
      lose(live)
      await Promise.race([ended, sleep(2000)])
    },
  }
}
