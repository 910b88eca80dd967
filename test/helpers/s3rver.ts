import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from './tmp.ts'

const main = fileURLToPath(new URL('./s3rver-main.mjs', import.meta.url))

/** A running s3rver child process. @example const s3 = await startS3rver(tmp.path); s3.endpoint // 'http://127.0.0.1:41234' */
export interface S3rver {
  readonly endpoint: string
  readonly port: number
  readonly pid: number
  /** Stops it (SIGTERM) and waits for it to exit. */
  readonly stop: () => Promise<void>
  /** Kills it at once (SIGKILL), as a crash would, and waits for it to exit. */
  readonly kill: () => Promise<void>
}

/** Credentials s3rver accepts (it checks only the access key). @example s3Store({ credentials: S3RVER_CREDENTIALS, … }) */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const

/**
 * Starts s3rver (with `--openssl-legacy-provider`, reference/s3.md §5) on 127.0.0.1, its data in `dir`, the
 * given buckets made; `port` 0 takes a free one (pass a port to restart on the same one). Stopped by its pid
 * when the test process exits.
 *
 * @example
 * ```ts
 * const s3 = await startS3rver(join(tmp.path, 'data'), ['artifacts'])
 * test.after(s3.stop)
 * ```
 */
export const startS3rver = (dir: string, buckets: readonly string[] = ['artifacts'], port = 0): Promise<S3rver> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--openssl-legacy-provider', main, dir, String(port), ...buckets], { stdio: ['ignore', 'pipe', 'pipe'] })
    const pid = child.pid as number
    const reap = () => {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    process.on('exit', reap)
    const exited = new Promise<void>((r) => child.on('exit', () => (process.off('exit', reap), r())))
    let err = ''
    child.stderr.on('data', (c) => (err += c))
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
      const m = /READY (\d+)/.exec(out)
      if (m === null) return
      const p = Number(m[1])
      const signal = (s: NodeJS.Signals) => async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(s)
        await exited
      }
      resolve({ endpoint: `http://127.0.0.1:${p}`, port: p, pid, stop: signal('SIGTERM'), kill: signal('SIGKILL') })
    })
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before it was ready: ${err}`)))
  })

/**
 * A suite's s3rver and temporary folder: s3rver starts before the suite's tests (its data in `TMP/data`),
 * and is stopped and the folder removed after them. Returns the folder and a getter for the server.
 *
 * @example
 * ```ts
 * const { tmp, s3 } = suiteS3rver(test, 'my-suite')
 * test('…', async () => { s3Store({ endpoint: s3().endpoint, … }) })
 * ```
 */
export const suiteS3rver = (test: { before: (f: () => Promise<void>) => void; after: (f: () => Promise<void>) => void }, label: string) => {
  const tmp = tempDir(label)
  let server: S3rver | undefined
  test.before(async () => {
    server = await startS3rver(join(tmp.path, 'data'))
  })
  test.after(async () => {
    await server?.stop()
    tmp.cleanup()
  })
  return { tmp, s3: (): S3rver => server as S3rver }
}
