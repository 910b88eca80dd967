import { createReadStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { constants, gunzipSync } from 'node:zlib'
import { landAtomically } from './local-copy.ts'
import { PRIVATE_DIR } from './modes.ts'
import { extractTar } from './tar.ts'

/** How an Argo artifact is archived: tar+gzip (Argo's default for outputs), none, or — reading — found out from the bytes. @example const a: ArgoArchive = 'auto' */
export type ArgoArchive = 'tar' | 'none' | 'auto'

/** Whether a file is a gzip'd tar archive (its first tar header's checksum holds), as Argo's executor tells one. */
const isTarball = async (path: string): Promise<boolean> => {
  const f = await open(path, 'r')
  try {
    const buf = Buffer.alloc(64 * 1024)
    const { bytesRead } = await f.read(buf, 0, buf.length, 0)
    if (bytesRead < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return false
    let head: Buffer
    try {
      head = gunzipSync(buf.subarray(0, bytesRead), { finishFlush: constants.Z_SYNC_FLUSH })
    } catch {
      return false
    }
    if (head.length < 512) return false
    const want = parseInt(head.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim(), 8)
    let sum = 0
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : head[i]!
    return Number.isInteger(want) && sum === want
  } finally {
    await f.close()
  }
}

/** A tar+gzip file unpacked to `to`: its one top-level entry becomes `to`, several a folder of them. */
const unpack = async (file: string, to: string) => {
  const box = `${to}.x`
  await mkdir(box, { recursive: true, mode: PRIVATE_DIR })
  try {
    await extractTar(createReadStream(file), box)
    const top = await readdir(box)
    if (top.length === 1) await rename(join(box, top[0]!), to)
    else await rename(box, to)
  } finally {
    await rm(box, { recursive: true, force: true })
  }
}

/**
 * One downloaded input artifact put at `path` as Argo's executor does it (unarchiveArtifact): `fill(raw)`
 * writes the bytes to a side file, which is unpacked when it is a tar+gzip archive (`auto`: told from its
 * bytes) or when `tar` is asked, else kept as it is (`none`). `path` appears whole or not at all. Says
 * whether a file or a folder landed.
 *
 * @example
 * ```ts
 * await landArtifact('/w/tmp/in', 'auto', (raw) => pipeline(response, createWriteStream(raw))) // 'file'
 * ```
 */
export const landArtifact = async (path: string, archive: ArgoArchive, fill: (raw: string) => Promise<void>): Promise<'file' | 'folder'> => {
  let kind: 'file' | 'folder' = 'file'
  await landAtomically(path, async (tmp) => {
    const raw = `${tmp}.raw`
    try {
      await fill(raw)
      if (archive === 'tar' || (archive === 'auto' && (await isTarball(raw)))) {
        await unpack(raw, tmp)
        kind = (await stat(tmp)).isDirectory() ? 'folder' : 'file'
      } else await rename(raw, tmp)
    } finally {
      await rm(raw, { force: true })
    }
  })
  return kind
}
