/**
 * The lanes of the test runner: worker processes (`worker.ts`) that each take the next file of a stage when
 * they are free. Reports are printed whole and in the stages' file order as soon as every file before them
 * is done, so the output reads the same whatever the timing. A worker that dies takes only its file with it
 * (one failed test, naming how it died), and a new one takes its place.
 *
 * @example
 * ```ts
 * const { passed, failed } = await runLanes(root, [{ files: ['dsl/codec.test.ts'], lanes: 2 }])
 * ```
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** What one test file gave: uvu's report for it and its counts. */
export interface FileReport {
  readonly file: string
  readonly out: string
  readonly passed: number
  readonly failed: number
  readonly skipped: number
  /** Wall time of the file in its worker, in ms (none for a file whose worker died). */
  readonly ms?: number
}

/** Files run `lanes` at a time; a stage starts when the one before it has ended. */
export interface Stage {
  readonly files: readonly string[]
  readonly lanes: number
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))
const STDERR_TAIL = 4000
/** A file's report when its worker died: one failed test, with the end of what the worker wrote to stderr. */
const died = (file: string, what: string, tail: string): FileReport => {
  const stderr = tail.trim() ? `; the end of its stderr:\n${tail.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}` : ''
  return { file, out: `${file}\n\n  ✘ ${what}${stderr}\n`, passed: 0, failed: 1, skipped: 0 }
}

/** Runs each stage's files in its lanes, printing reports in order; resolves with the totals and every file's report. */
export const runLanes = async (root: string, stages: readonly Stage[]): Promise<{ passed: number; failed: number; skipped: number; reports: readonly FileReport[] }> => {
  const reports: FileReport[] = []
  for (const stage of stages) reports.push(...(await runStage(root, stage)))
  const sum = (k: 'passed' | 'failed' | 'skipped'): number => reports.reduce((n, r) => n + r[k], 0)
  return { passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped'), reports }
}

const runStage = (root: string, { files, lanes }: Stage): Promise<FileReport[]> =>
  new Promise((resolve) => {
    const reports: (FileReport | undefined)[] = files.map(() => undefined)
    let printed = 0
    let taken = 0
    let live = 0
    const flush = (): void => {
      while (printed < files.length && reports[printed]) process.stdout.write(reports[printed++]!.out)
      if (printed === files.length && live === 0) resolve(reports as FileReport[])
    }
    const start = (): void => {
      const child: ChildProcess = fork(WORKER, [root], { execArgv: process.execArgv, stdio: ['inherit', 'inherit', 'pipe', 'ipc'] })
      let current: number | undefined
      let since = 0
      // What the worker writes to stderr goes on to ours as it comes; its tail is kept so that a worker that
      // dies (an error no test caught, say) shows in its file's report why, not somewhere else in the log.
      let stderrTail = ''
      child.stderr!.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk)
        stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL)
      })
      let ready = false
      live++
      const give = (): void => {
        if (taken >= files.length) return void child.send({})
        current = taken++
        since = performance.now()
        stderrTail = '' // what a file's report shows is what the worker wrote while running that file
        child.send({ file: files[current] })
      }
      child.on('message', (m: FileReport | { ready: true }) => {
        ready = true
        if ('file' in m) {
          reports[current!] = { ...m, ms: performance.now() - since }
          current = undefined
          flush()
        }
        give()
      })
      // 'exit' can come before the last of its stderr has been read: the report waits for that a moment.
      child.on('exit', (code, signal) => void setTimeout(() => ended(code, signal), 50))
      const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
        live--
        if (current !== undefined) {
          reports[current] = died(files[current]!, `the test process died (${signal ?? `exit code ${code}`}) while running this file`, stderrTail)
          if (taken < files.length) start()
        } else if (!ready) {
          // It died before it could take a file (it cannot load): the files no lane has taken fail with it.
          for (; taken < files.length; taken++) reports[taken] = died(files[taken]!, `no test process could start (${signal ?? `exit code ${code}`})`, stderrTail)
        }
        flush()
      }
    }
    if (!files.length) return resolve([])
    for (let i = 0; i < Math.min(lanes, files.length); i++) start()
  })
