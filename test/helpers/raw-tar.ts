import { Header } from 'tar'
import { gzipSync } from 'node:zlib'

/** One entry of a hand-made tar. @example { path: '../evil', body: 'x' } or { path: 'l', type: 'SymbolicLink', linkpath: '/etc' } */
export interface RawEntry {
  readonly path: string
  readonly type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO'
  readonly body?: string
  readonly linkpath?: string
}

/**
 * A tar+gzip archive built header by header, so that it can hold what no honest packer writes (`..`
 * paths, absolute paths, links pointing out) — the hostile archives extraction must refuse.
 *
 * @example rawTgz([{ path: 'ok.txt', body: 'fine' }, { path: '../evil', body: 'x' }])
 */
export const rawTgz = (entries: readonly RawEntry[]): Buffer => {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '')
    const type = e.type ?? 'File'
    const h = new Header({ path: e.path, type, size: type === 'File' ? body.length : 0, mode: type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0), linkpath: e.linkpath ?? '' })
    const block = Buffer.alloc(512)
    h.encode(block, 0)
    blocks.push(block)
    if (type === 'File') blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(blocks))
}
