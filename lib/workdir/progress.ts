import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

/**
 * Watches the progress file a running step writes (`current/total`, as Argo's ARGO_PROGRESS_FILE): polls it
 * only while the step runs, reports each new valid value. Returns the function that stops watching.
 *
 * @example
 * ```ts
 * const stop = watchProgress('/runs/x/steps/a/progress', 200, (p) => console.log(p)) // '3/10'
 * ```
 */
export const watchProgress = (path: string, everyMs: number, onChange: (progress: string) => void): (() => Promise<void>) => {
  let last = ''
  const seen = (text: string) => {
    const s = text.trim()
    if (/^\d+\/\d+$/.test(s) && s !== last) {
      last = s
      onChange(s)
    }
  }
  const poll = async () => {
    try {
      seen(await readFile(path, 'utf8'))
    } catch {
      /* not written yet */
    }
  }
  const timer = setInterval(() => void poll(), everyMs)
  return async () => {
    clearInterval(timer)
    // The last look is synchronous: most steps write no progress, and a failed stat is cheaper than a
    // round trip through the thread pool on the way from one step to the next.
    if (!existsSync(path)) return
    try {
      seen(readFileSync(path, 'utf8'))
    } catch {
      /* removed meanwhile */
    }
  }
}
