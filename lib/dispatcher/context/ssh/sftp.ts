import { chmod, lstat, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises'
import { join, posix } from 'node:path'
import type { SFTPWrapper, Stats } from 'ssh2'
import { inWindow } from '../../../concurrency/in-window.ts'

/** SFTP's status code for a missing file. @example (e as { code?: number }).code === NO_SUCH_FILE */
export const NO_SUCH_FILE = 2

/** Files moved at once over the one SFTP session. */
const WIDTH = 8

const call = <T>(f: (cb: (err: Error | undefined | null, v: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))))

const isMissing = (e: unknown) => (e as { code?: unknown }).code === NO_SUCH_FILE

/** The remote entry's stats, or undefined when there is none. @example await remoteStat(sftp, '/w/a') */
export const remoteStat = (sftp: SFTPWrapper, path: string): Promise<Stats | undefined> =>
  call<Stats>((cb) => sftp.lstat(path, cb)).catch((e: unknown) => {
    if (isMissing(e)) return undefined
    throw e
  })

/**
 * `mkdir -p` over SFTP: the folder and its missing parents (an existing folder is fine).
 *
 * @example
 * ```ts
 * await remoteMkdirp(sftp, '/scratch/me/dflow/run-1/steps/a')
 * ```
 */
export const remoteMkdirp = async (sftp: SFTPWrapper, path: string): Promise<void> => {
  const st = await call<Stats>((cb) => sftp.stat(path, cb)).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)))
  if (st?.isDirectory()) return
  if (st) throw Object.assign(new Error(`${path} exists and is not a folder`), { code: 4 })
  const parent = posix.dirname(path)
  if (parent !== path) await remoteMkdirp(sftp, parent)
  await call<void>((cb) => sftp.mkdir(path, cb)).catch(async (e: unknown) => {
    if (!(await remoteStat(sftp, path))?.isDirectory()) throw e // made meanwhile by another call: fine
  })
}

/**
 * Copies a local file, folder (recursively) or symlink to `to` over SFTP, each file's and folder's permission
 * bits kept exactly (sshd's umask does not apply: a chmod follows each write); an existing folder is merged
 * into, existing files are overwritten. `to`'s parent must exist.
 *
 * @example
 * ```ts
 * await putTree(sftp, 'inputs', '/scratch/me/dflow/run-1/steps/a/inputs')
 * ```
 */
export const putTree = async (sftp: SFTPWrapper, from: string, to: string): Promise<void> => {
  const st = await lstat(from)
  const mode = st.mode & 0o7777
  if (st.isSymbolicLink()) {
    const target = await readlink(from)
    if (await remoteStat(sftp, to)) await call<void>((cb) => sftp.unlink(to, cb))
    await call<void>((cb) => sftp.symlink(target, to, cb))
  } else if (st.isDirectory()) {
    const there = await remoteStat(sftp, to)
    if (!there?.isDirectory()) await call<void>((cb) => sftp.mkdir(to, { mode: 0o700 }, cb))
    await inWindow((await readdir(from)).sort(), WIDTH, (name) => putTree(sftp, join(from, name), posix.join(to, name)))
    await call<void>((cb) => sftp.chmod(to, mode, cb))
  } else if (st.isFile()) {
    await call<void>((cb) => sftp.fastPut(from, to, { mode }, cb))
    await call<void>((cb) => sftp.chmod(to, mode, cb))
  } else throw Object.assign(new Error(`${from} is neither a file, a folder nor a symlink`), { code: 4 })
}

/**
 * Copies a remote file, folder (recursively) or symlink to the local `to` over SFTP, permission bits kept; an
 * existing folder is merged into. `to`'s parent must exist. A missing `from` rejects with SFTP code 2.
 *
 * @example
 * ```ts
 * await getTree(sftp, '/scratch/me/dflow/run-1/steps/a/outputs', 'outputs')
 * ```
 */
export const getTree = async (sftp: SFTPWrapper, from: string, to: string, st?: Stats): Promise<void> => {
  const s = st ?? (await call<Stats>((cb) => sftp.lstat(from, cb)))
  const mode = s.mode & 0o7777
  if (s.isSymbolicLink()) {
    const target = await call<string>((cb) => sftp.readlink(from, cb))
    await rm(to, { force: true, recursive: true })
    await symlink(target, to)
  } else if (s.isDirectory()) {
    await mkdir(to, { recursive: true, mode: 0o700 })
    const list = await call<{ filename: string; attrs: Stats }[]>((cb) => sftp.readdir(from, cb as never))
    const entries = list.filter((e) => e.filename !== '.' && e.filename !== '..').sort((a, b) => (a.filename < b.filename ? -1 : 1))
    await inWindow(entries, WIDTH, (e) => getTree(sftp, posix.join(from, e.filename), join(to, e.filename), e.attrs))
    await chmod(to, mode)
  } else if (s.isFile()) {
    await call<void>((cb) => sftp.fastGet(from, to, cb))
    await chmod(to, mode)
  } else throw Object.assign(new Error(`${from} is neither a file, a folder nor a symlink`), { code: 4 })
}

/** A remote file's bytes, or undefined when it does not exist. @example (await readRemote(sftp, '/w/a.exit'))?.toString() */
export const readRemote = (sftp: SFTPWrapper, path: string): Promise<Buffer | undefined> =>
  call<Buffer>((cb) => sftp.readFile(path, cb)).catch((e: unknown) => {
    if (isMissing(e)) return undefined
    throw e
  })
