import { watchProgress } from '../workdir/progress.ts'
import type { Context } from './context/types.ts'

/** Prints `PATH|CONTENT` per file (its first line, at most 64 bytes; nothing when it is not written yet). */
const READ = 'for f; do printf "%s|" "$f"; head -c 64 -- "$f" 2>/dev/null | head -n 1; echo; done'
/** Files per command (an argument list stays far below the system's limit). */
const CHUNK = 200

/**
 * Reads back the progress files (`current/total`, DFLOW_PROGRESS_FILE) of a run's running jobs. With jobs on
 * this machine each file is polled where it is (as `local()` does); with jobs on another machine one command
 * over the context reads every watched file at each poll — never one command per job — and only while some
 * job is watched.
 *
 * @example
 * ```ts
 * const progress = progressReader(ctx, false, 1000)
 * const stop = progress.watch('/runs/r/steps/a/progress', '/scratch/r/steps/a/progress', (p) => on({ type: 'progress', progress: p }))
 * await stop() // the job ended
 * ```
 */
export interface ProgressReader {
  /** Watches one job's progress file (`local`: this machine's path; `remote`: the job's); returns how to stop. */
  readonly watch: (local: string, remote: string, onChange: (progress: string) => void) => () => Promise<void>
}

/**
 * A progress reader over a context (`inPlace`: the jobs' files are this machine's).
 *
 * @example progressReader(sshContext(cfg), false, 1000)
 */
export const progressReader = (ctx: Context, inPlace: boolean, everyMs: number): ProgressReader => {
  const watched = new Map<string, { last: string; onChange: (p: string) => void }>()
  let timer: ReturnType<typeof setTimeout> | undefined
  const seen = (file: string, text: string) => {
    const w = watched.get(file)
    const s = text.trim()
    if (w && /^\d+\/\d+$/.test(s) && s !== w.last) (w.last = s), w.onChange(s)
  }
  const poll = async () => {
    const files = [...watched.keys()]
    for (let i = 0; i < files.length; i += CHUNK) {
      try {
        const r = await ctx.exec({ argv: ['sh', '-c', READ, 'progress', ...files.slice(i, i + CHUNK)] })
        for (const line of r.stdout.split('\n')) {
          const bar = line.lastIndexOf('|')
          if (bar > 0) seen(line.slice(0, bar), line.slice(bar + 1))
        }
      } catch {
        /* the connection is down: the next poll tries again */
      }
    }
    timer = watched.size ? setTimeout(() => void poll(), everyMs).unref() : undefined
  }
  return {
    watch: (local, remote, onChange) => {
      if (inPlace) return watchProgress(local, everyMs, onChange)
      watched.set(remote, { last: '', onChange })
      timer ??= setTimeout(() => void poll(), everyMs).unref()
      // The job's folder comes back to this machine when it ends: its last progress is read there.
      return () => (watched.delete(remote), Promise.resolve())
    },
  }
}
