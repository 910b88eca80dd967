import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const run = (args: readonly string[]): void => void execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' })

/**
 * Real mounts for storage-fault tests: a small tmpfs (a disk that fills up) and read-only bind mounts
 * (root ignores chmod, not a read-only mount). Every mount is undone by `cleanup` (call it in
 * `test.after`, so that it runs when a test fails), innermost first. `unavailable` says why mounting is
 * not possible here (not root, or mount not permitted), for a test to skip with a notice.
 *
 * @example
 * ```ts
 * const m = mounts()
 * test.after(m.cleanup)
 * const disk = m.tmpfs('1m')       // a folder on a 1 MiB tmpfs
 * m.readOnly('/some/folder')       // read-only from now on
 * ```
 */
export const mounts = () => {
  const mounted: string[] = []
  const made: string[] = []
  const unmount = (path: string) => {
    try {
      run(['umount', path])
    } catch {
      run(['umount', '-l', path]) // busy: detach it now, the kernel frees it when it is no longer used
    }
  }
  const self = {
    /** Why mounts cannot be made here, or undefined when they can. */
    unavailable: ((): string | undefined => {
      if (process.getuid?.() !== 0) return 'not root'
      const probe = mkdtempSync(join(tmpdir(), 'dflow-mount-probe-'))
      try {
        run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe])
        run(['umount', probe])
        return undefined
      } catch (e) {
        return `mount is not permitted (${String((e as { stderr?: Buffer }).stderr ?? e).trim()})`
      } finally {
        rmdirSync(probe)
      }
    })(),
    /** A fresh folder with a tmpfs of this size (`size=` of mount: `512k`, `2m`) mounted on it. */
    tmpfs: (size: string): string => {
      const dir = mkdtempSync(join(tmpdir(), 'dflow-tmpfs-'))
      made.push(dir)
      run(['mount', '-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir])
      mounted.push(dir)
      return dir
    },
    /** Makes a folder (creating it if needed) read-only: a bind mount of itself, remounted read-only. */
    readOnly: (dir: string): string => {
      mkdirSync(dir, { recursive: true })
      run(['mount', '--bind', dir, dir])
      mounted.push(dir)
      run(['mount', '-o', 'remount,bind,ro', dir])
      return dir
    },
    /** Undoes one mount made by {@link readOnly} or {@link tmpfs}. */
    undo: (dir: string): void => {
      const i = mounted.lastIndexOf(dir)
      if (i < 0) return
      mounted.splice(i, 1)
      unmount(dir)
    },
    /** Undoes every mount, innermost (latest) first, and removes the folders made for tmpfs mounts. */
    cleanup: (): void => {
      for (const dir of mounted.splice(0).reverse()) unmount(dir)
      for (const dir of made.splice(0)) rmdirSync(dir)
    },
  }
  process.once('exit', self.cleanup) // even when the test process ends without its after hooks
  return self
}
