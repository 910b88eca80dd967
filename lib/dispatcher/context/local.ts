import { spawn as spawnProcess } from 'node:child_process'
import { constants } from 'node:os'
import { cp, mkdir, readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { localExec } from '../batch/local-exec.ts'
import { ContextError } from './errors.ts'
import { layout } from './layout.ts'
import type { Context, StreamResult } from './types.ts'

const NAME = 'local'

/**
 * The context of a shared filesystem: commands run on this machine (as {@link localExec} runs them), files
 * are copied with their modes (`via` is moot: there is no transfer).
 *
 * @example
 * ```ts
 * const ctx = localContext({ root: '/scratch/dflow' })
 * await ctx.exec({ argv: ['sbatch', '--parsable', 'job.sh'], cwd: ctx.layout.step('run-1', 'a') })
 * ```
 */
export const localContext = (config: { readonly root: string }): Context => {
  const root = resolve(config.root)
  let closed = false
  const open = () => {
    if (closed) throw new ContextError('not-started', NAME, 'the context is closed', 'make a new context')
  }
  const copy = async (from: string, to: string) => {
    open()
    await mkdir(dirname(to), { recursive: true })
    await cp(from, to, { recursive: true, force: true, verbatimSymlinks: true })
  }
  return {
    name: NAME,
    root,
    layout: layout(root),
    exec: async (command) => (open(), localExec(command)),
    spawn: (command, io) =>
      new Promise<StreamResult>((done, fail) => {
        open()
        const [file = 'true', ...args] = command.argv
        const child = spawnProcess(file, args, { cwd: command.cwd, env: { ...process.env, LC_ALL: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] })
        child.on('error', (e) => fail(new ContextError('not-started', NAME, `${file} could not start: ${e.message}`, 'check that it is installed and on PATH', { cause: e })))
        if (io.stdin) io.stdin.pipe(child.stdin)
        else child.stdin.end(command.input ?? '')
        child.stdin.on('error', () => undefined) // a command that exits without reading all its input
        if (io.stdout) child.stdout.pipe(io.stdout, { end: false })
        else child.stdout.resume()
        if (io.stderr) child.stderr.pipe(io.stderr, { end: false })
        else child.stderr.resume()
        child.on('close', (code, signal) =>
          done(signal ? { exitCode: 128 + (constants.signals[signal] ?? 127), signal } : { exitCode: code ?? 255 }),
        )
      }),
    put: copy,
    get: copy,
    mkdirp: async (path) => {
      open()
      await mkdir(path, { recursive: true })
    },
    readFile: async (path) => {
      open()
      return readFile(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined
        throw e
      })
    },
    close: async () => {
      closed = true
    },
  }
}
