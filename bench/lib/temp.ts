import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * One root folder for a whole bench run, removed at exit (normal, error or Ctrl-C); each measured run
 * gets a fresh sub-folder of it, removed as soon as the run is checked so 500-file runs do not pile up.
 *
 * @example
 * ```ts
 * const root = benchRoot()            // /tmp/dflow-bench-XXXXXX, removed at exit
 * const dir = freshDir(root, 'make')  // /tmp/dflow-bench-XXXXXX/make-1
 * dropDir(dir)
 * ```
 */
export const benchRoot = (): string => {
  const root = mkdtempSync(join(tmpdir(), 'dflow-bench-'))
  const cleanup = (): void => rmSync(root, { recursive: true, force: true })
  process.on('exit', cleanup)
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      cleanup()
      process.exit(130)
    })
  return root
}

let counter = 0

/** A new empty folder under `root`. @example freshDir(root, 'snakemake') */
export const freshDir = (root: string, label: string): string => mkdtempSync(join(root, `${label}-${++counter}-`))

/**
 * Folders to remove when a bench section ends rather than after each run. On this machine's journal-less ext4 the
 * inode allocator skips every inode freed in the last half minute, reading each one's deletion time
 * (`recently_deleted`, 20–30% of a YAML run's CPU in `perf`): removing a run's thousand folders made the next
 * runs' mkdirs pay for them, and the form that makes more folders per step pay more — a cost of the harness,
 * not of either form.
 *
 * @example
 * ```ts
 * const later = dropLater()
 * later.add(freshDir(root, 'server'))
 * later.dropAll()
 * ```
 */
export const dropLater = (): { readonly add: (dir: string) => string; readonly dropAll: () => void } => {
  const dirs: string[] = []
  return { add: (dir) => (dirs.push(dir), dir), dropAll: () => dirs.splice(0).forEach(dropDir) }
}

/** Removes a folder and everything in it. @example dropDir(dir) */
export const dropDir = (dir: string): void => rmSync(dir, { recursive: true, force: true })
