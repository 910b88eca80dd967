import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs'
import { mkdir, open, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { PRIVATE_DIR, PRIVATE_FILE, type RunLayout } from '../run/layout.ts'
import { StorageError } from '../run/storage-error.ts'

/**
 * Makes the folders of steps, ahead of need where the run knows what comes next.
 *
 * Every leaf step gets a folder, a work folder and a log file: three creations, and on a journalled disk
 * each one costs from a tenth of a millisecond to a millisecond — as much as starting the step's process.
 * They are made in the thread pool, and {@link StepFolders.warm} starts them for a step that will run
 * next (the next step of a sequence, the tasks waiting on a dag task that just started) while the
 * current one runs, so that a chain does not wait for them between its steps.
 */
export interface StepFolders {
  /**
   * Makes a step's folder, work folder and empty log, and `more` inside them (its output folders), or takes
   * those that {@link warm} started (given the same `more`: one template's). Each call makes them anew (a
   * retried step's earlier attempt has moved them away), except the one that takes a warmed folder.
   */
  readonly take: (id: string, more?: readonly string[]) => Promise<void>
  /**
   * Starts making a step's folders before it runs, and `more` inside them (its output folders: see
   * prepare.ts `outputFolders`); nothing if the step has taken them already.
   */
  readonly warm: (id: string, more?: readonly string[]) => void
  /** Removes the folders warmed for steps that did not run after all (a failure stopped the run first). */
  readonly sweep: () => Promise<void>
  /** Removes the folders a step took but never started in (the run stopped while it waited for a slot). */
  readonly drop: (id: string) => Promise<void>
}

/**
 * Makes a folder and those above it that are missing, private to the owner. Node's recursive mkdir says
 * ENOENT when a parent cannot be written (a read-only file system): the folder that could not be made is
 * made alone again, to report the real reason.
 */
const makeDirs = (path: string): void => {
  try {
    mkdirSync(path, { recursive: true, mode: PRIVATE_DIR })
  } catch (e) {
    let missing = path
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing)
    try {
      mkdirSync(missing, { mode: PRIVATE_DIR })
    } catch (again) {
      throw new StorageError(again, 'mkdir', missing)
    }
    throw new StorageError(e, 'mkdir', path)
  }
}

/**
 * Makes a run folder with its `steps/` and `scripts/` folders (and the runs folder, if missing), private to
 * the owner; throws a {@link StorageError} naming the folder that could not be made and why.
 *
 * @example
 * ```ts
 * makeRunFolder(runLayout('/runs/x')) // /runs/x/{steps,scripts}/ exist, mode 0700
 * ```
 */
export const makeRunFolder = (layout: RunLayout): void => {
  for (const d of [layout.stepsDir, layout.scriptsDir]) makeDirs(d)
}

/** Folders that exist already (a retried step's step folder, after its attempt was archived) are fine. */
const makeDir = (path: string): Promise<unknown> =>
  mkdir(path, { mode: PRIVATE_DIR }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e
  })

/**
 * The step folders of one run.
 *
 * @example
 * ```ts
 * const folders = stepFolders(runLayout('/runs/x'))
 * folders.warm('s2')       // while s1 runs
 * await folders.take('s2') // /runs/x/steps/s2/{workdir/,log.txt} exist (and the folders warm was given)
 * await folders.sweep()    // at the end of the run
 * ```
 */
export const stepFolders = (layout: RunLayout): StepFolders => {
  const warmed = new Map<string, Promise<void>>()
  const taken = new Set<string>()
  const make = async (id: string, more: readonly string[] = []): Promise<void> => {
    await makeDir(layout.stepDir(id))
    await Promise.all([makeDir(layout.workdir(id)), open(layout.log(id), 'a', PRIVATE_FILE).then((f) => f.close())])
    await Promise.all(more.map((d) => mkdir(d, { recursive: true, mode: PRIVATE_DIR })))
  }
  return {
    take: (id, more) => {
      taken.add(id)
      const early = warmed.get(id)
      warmed.delete(id)
      return early ?? make(id, more)
    },
    warm: (id, more) => {
      if (taken.has(id) || warmed.has(id)) return
      const p = make(id, more)
      p.catch(() => {}) // the step that takes it sees the error
      warmed.set(id, p)
    },
    drop: (id) => rm(layout.stepDir(id), { recursive: true, force: true }),
    sweep: async () => {
      const left = [...warmed]
      warmed.clear()
      // Best effort: a folder that cannot be removed (a read-only file system) is left.
      await Promise.all(left.map(([id, p]) => p.then(() => rm(layout.stepDir(id), { recursive: true, force: true })).catch(() => {})))
    },
  }
}

/** Moves what an attempt left in a step folder to `attempts/<n>/`, so the next attempt starts afresh. @example archiveAttempt(stepDir, 0) */
export const archiveAttempt = (stepDir: string, n: number): void => {
  const to = join(stepDir, 'attempts', String(n))
  mkdirSync(to, { recursive: true, mode: PRIVATE_DIR })
  for (const f of readdirSync(stepDir)) if (f !== 'attempts' && f !== RESTARTED && existsSync(join(stepDir, f))) renameSync(join(stepDir, f), join(to, f))
}

const RESTARTED = 'restarted'

/**
 * On a restarted run, moves what an earlier driver's attempts left in a step folder (work folder, log, earlier
 * attempts) to `restarted/<k>/` (k = 0, 1, … for each restart that ran the step again), so that the step runs
 * afresh and no stale output is taken for a new one. Nothing when the folder does not exist.
 *
 * @example
 * ```ts
 * archiveEarlier(stepDir) // stepDir/restarted/0/{workdir,log.txt,…}
 * ```
 */
export const archiveEarlier = (stepDir: string): void => {
  let entries: string[]
  try {
    entries = readdirSync(stepDir).filter((f) => f !== RESTARTED)
  } catch {
    return
  }
  if (!entries.length) return
  const base = join(stepDir, RESTARTED)
  let k = 0
  while (existsSync(join(base, String(k)))) k++
  const to = join(base, String(k))
  mkdirSync(to, { recursive: true, mode: PRIVATE_DIR })
  for (const f of entries) renameSync(join(stepDir, f), join(to, f))
}
