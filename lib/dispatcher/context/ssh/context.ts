import { lstat, mkdir } from 'node:fs/promises'
import { dirname, posix } from 'node:path'
import { PassThrough, Writable, type Readable } from 'node:stream'
import type { SFTPWrapper } from 'ssh2'
import * as tar from 'tar'
import { DflowError, problem } from '../../../../dsl/problem.ts'
import { extractTar, UnsafeEntryError } from '../../../storage/tar.ts'
import type { Command } from '../../batch/types.ts'
import { ContextError } from '../errors.ts'
import { layout } from '../layout.ts'
import type { Context, StreamIo, StreamResult } from '../types.ts'
import { onChannel } from './channel.ts'
import { commandLine } from './command-line.ts'
import { endpointName, parseEndpoint, withDefaults, type SshConfig, type SshEndpoint } from './config.ts'
import { connection, type Live } from './connection.ts'
import type { Hop } from './connect.ts'
import { getTree, NO_SUCH_FILE, putTree, readRemote, remoteMkdirp, remoteStat } from './sftp.ts'

/** Tries of one operation across reconnects. */
const ATTEMPTS = 3
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const collect = () => {
  const chunks: Buffer[] = []
  const stream = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) })
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

const hopsOf = (config: SshConfig): Hop[] => {
  const jumps = config.jump === undefined ? [] : Array.isArray(config.jump) ? config.jump : [config.jump as string | SshEndpoint]
  const jumpHops = jumps.map((j) => withDefaults(typeof j === 'string' ? parseEndpoint(j, 'jump') : j, config.auth))
  return [...jumpHops, withDefaults(config)]
}

/**
 * The SSH context: ONE connection per context (through its jump hosts), carrying every command as an exec
 * channel and every file operation over one SFTP session; at most `maxSessions` channels at once (sshd's
 * MaxSessions, 10 by default, counts the SFTP session too), the rest wait. When the connection drops it is
 * opened again with backoff: a command that was running fails with a `connection-lost` {@link ContextError}
 * (retryable: the caller decides), unless it was marked idempotent, which is run again; one that had not
 * started is always retried, as are file operations (they are idempotent). Host keys are checked against
 * known_hosts: an unknown host is refused with the `ssh-keyscan` line that would trust it, a changed key is
 * refused loudly. Folders move by SFTP (one request per file) or, with `{ via: 'tar' }`, as one tar stream.
 *
 * @example
 * ```ts
 * const ctx = sshContext({ host: '127.0.0.1', port: 2222, user: 'hpcuser', root: '/home/hpcuser/dflow',
 *   auth: { keys: ['/var/tmp/dflow-services/sshd/id_ed25519'] }, knownHosts: '/var/tmp/dflow-services/sshd/known_hosts' })
 * const { stdout } = await ctx.exec({ argv: ['squeue', '-h'] }, { idempotent: true })
 * await ctx.put('inputs', `${ctx.layout.step('run-1', 'a')}/inputs`, { via: 'tar' })
 * await ctx.close()
 * ```
 */
export const sshContext = (config: SshConfig): Context => {
  const target = withDefaults(config)
  const name = endpointName(target)
  if (!posix.isAbsolute(config.root)) throw new DflowError([problem([name, 'root'], `the remote root "${config.root}" is not an absolute path`, 'give an absolute folder on the remote host, e.g. /scratch/USER/dflow (--remote-root)')])
  const maxSessions = config.maxSessions ?? 10
  if (!Number.isInteger(maxSessions) || maxSessions < 2) throw new DflowError([problem([name, 'maxSessions'], `maxSessions must be an integer of at least 2, not ${maxSessions}`, 'give the server\'s MaxSessions (OpenSSH: 10)')])
  const conn = connection(
    name,
    hopsOf(config),
    {
      knownHosts: config.knownHosts === undefined ? ['~/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'] : [config.knownHosts].flat(),
      explicitKnownHosts: config.knownHosts !== undefined,
      keepaliveIntervalMs: config.keepaliveIntervalMs ?? 15_000,
      readyTimeoutMs: config.readyTimeoutMs ?? 20_000,
    },
    { firstDelayMs: config.reconnect?.firstDelayMs ?? 250, maxDelayMs: config.reconnect?.maxDelayMs ?? 5_000, giveUpAfterMs: config.reconnect?.giveUpAfterMs ?? 60_000 },
    maxSessions,
  )

  /** Runs `f` on the live connection, again on a new one when it failed retryably (`not-started`; `connection-lost` too when idempotent). */
  const attempt = async <T>(idempotent: boolean, f: (live: Live) => Promise<T>): Promise<T> => {
    for (let i = 1; ; i++) {
      const live = await conn.live()
      try {
        return await f(live)
      } catch (e) {
        const again = e instanceof ContextError && (e.reason === 'not-started' || (e.reason === 'connection-lost' && idempotent))
        if (!again || i >= ATTEMPTS) throw e
        if (!live.closed) await sleep(100 * i) // a channel refused on a live connection: let others end
      }
    }
  }

  const run = (command: Command, io: StreamIo, live: Live): Promise<StreamResult> => {
    const what = `\`${command.argv.join(' ').slice(0, 80)}\``
    return conn.channels.take().then(() =>
      onChannel(name, live, commandLine(command, config.env), io, command.input ?? '', what).finally(() => conn.channels.give()),
    )
  }

  const sftpOf = (live: Live): Promise<SFTPWrapper> => {
    const opened: Promise<SFTPWrapper> = (live.sftp ??= new Promise((resolve, reject) =>
      live.client.sftp((err, sftp) => {
        if (err) return reject(new ContextError(live.closed ? 'not-started' : 'transfer', name, `cannot open the SFTP session: ${err.message}`, 'check that the server has the sftp subsystem', { cause: err }))
        sftp.on('close', () => {
          if (live.sftp === opened) delete live.sftp
        })
        resolve(sftp)
      }),
    ))
    opened.catch(() => {
      if (live.sftp === opened) delete live.sftp
    })
    return opened
  }

  const withSftp = <T>(what: string, f: (sftp: SFTPWrapper) => Promise<T>): Promise<T> =>
    attempt(true, async (live) => {
      try {
        return await f(await sftpOf(live))
      } catch (e) {
        if (e instanceof ContextError) throw e
        const err = e as Error & { code?: unknown }
        if (live.closed) throw new ContextError('connection-lost', name, `the connection dropped during ${what}`, 'it is retried', { cause: e })
        if (err.code === NO_SUCH_FILE) throw new ContextError('missing', name, `${what}: no such file or folder`, 'check the path', { cause: e })
        throw new ContextError('transfer', name, `${what} failed: ${err.message}`, 'check the paths and permissions on both sides', { cause: e })
      }
    })

  const failedTransfer = (what: string, r: StreamResult, stderr: string) =>
    new ContextError('transfer', name, `${what} failed (exit ${r.exitCode}): ${stderr.trim().split('\n').slice(-3).join('; ')}`, 'check that tar is installed there and the paths and permissions')

  const tarPut = (from: string, to: string) =>
    attempt(true, async (live) => {
      const err = collect()
      const stdin = tar.c({ cwd: from, portable: true }, ['.']) as unknown as Readable
      const r = await run({ argv: ['sh', '-c', 'mkdir -p -- "$0" && exec tar -x -p -f - -C "$0"', to] }, { stdin, stderr: err.stream }, live)
      if (r.exitCode !== 0) throw failedTransfer(`unpacking into ${to}`, r, err.text())
    })

  const tarGet = (from: string, to: string) =>
    attempt(true, async (live) => {
      await mkdir(to, { recursive: true })
      const err = collect()
      const out = new PassThrough()
      // settled at once, so that a dropped connection (run rejects first) leaves no unhandled rejection
      const extracted = extractTar(out, to).then(() => undefined, (e: unknown) => e as Error)
      const r = await run({ argv: ['tar', '-c', '-f', '-', '-C', from, '.'] }, { stdout: out, stderr: err.stream }, live).finally(() => out.end())
      const unpacked = await extracted
      if (r.exitCode !== 0) throw failedTransfer(`packing ${from}`, r, err.text())
      if (unpacked) throw new ContextError('transfer', name, `unpacking ${from} here failed: ${unpacked.message}`, unpacked instanceof UnsafeEntryError
        ? 'the job left a file in its folder that cannot be copied here safely (a link out of the folder, an absolute link, a device): remove it, or make its links relative within the folder'
        : 'the stream was cut or damaged: run the step again', { cause: unpacked })
    })

  return {
    name,
    root: config.root,
    layout: layout(config.root),
    exec: (command, options) =>
      attempt(options?.idempotent === true, async (live) => {
        const out = collect()
        const err = collect()
        const r = await run(command, { stdout: out.stream, stderr: err.stream }, live)
        return { exitCode: r.exitCode, stdout: out.text(), stderr: err.text() }
      }),
    spawn: (command, io) => attempt(false, (live) => run(command, io, live)),
    put: async (from, to, options) => {
      const st = await lstat(from)
      if (options?.via === 'tar' && st.isDirectory()) return tarPut(from, to)
      return withSftp(`putting ${from} to ${to}`, async (sftp) => {
        await remoteMkdirp(sftp, posix.dirname(to))
        await putTree(sftp, from, to)
      })
    },
    get: async (from, to, options) => {
      await mkdir(dirname(to), { recursive: true })
      if (options?.via === 'tar' && (await withSftp(`reading ${from}`, (sftp) => remoteStat(sftp, from)))?.isDirectory()) return tarGet(from, to)
      return withSftp(`getting ${from} to ${to}`, (sftp) => getTree(sftp, from, to))
    },
    mkdirp: (path) => withSftp(`making ${path}`, (sftp) => remoteMkdirp(sftp, path)),
    readFile: (path) => withSftp(`reading ${path}`, (sftp) => readRemote(sftp, path)),
    close: () => conn.close(),
  }
}
