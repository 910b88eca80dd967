import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { until } from './processes.ts'
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
 * The environment a user sets for an S3-compatible server such as MinIO, here for s3rver at `endpoint`:
 * what `--store s3://…` and a REF of another store are opened with (lib/storage/store-url.ts).
 *
 * @example dflowWith(s3rverEnv(s3().endpoint), dir, 'run', 'wf.ts', '--store', 's3://artifacts/runs')
 */
export const s3rverEnv = (endpoint: string): Record<string, string> => ({
  AWS_ENDPOINT_URL_S3: endpoint,
  DFLOW_S3_PATH_STYLE: '1',
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  AWS_REGION: 'us-east-1',
})

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

/**
 * Waits until a multipart upload into `bucket` of the s3rver whose data is in `dir` has written its first
 * part, then kills that s3rver (SIGKILL, as a crash) and starts it again on the same port and data half a
 * second later. Returns the new server; throws if no upload started within `ms`.
 *
 * @example
 * ```ts
 * const put = store.put(big, 'wf/big')
 * server = await restartMidUpload(server, dir)
 * await put // retried and committed, or failed naming the cause
 * ```
 */
export const restartMidUpload = async (server: S3rver, dir: string, bucket = 'artifacts', ms = 60_000): Promise<S3rver> => {
  const uploads = join(dir, bucket, '._S3rver_uploads')
  if (!(await until(() => existsSync(uploads) && readdirSync(uploads).some((u) => existsSync(join(uploads, u, '1'))), ms))) throw new Error(`no multipart upload into ${bucket} started within ${ms} ms`)
  await server.kill()
  await new Promise((r) => setTimeout(r, 500))
  return startS3rver(dir, [bucket], server.port)
}
