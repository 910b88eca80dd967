import { execFile, spawn } from 'node:child_process'

/**
 * Runs a program to completion in `cwd`; rejects with the exit code and the tail of stderr when it fails.
 * Output goes nowhere but a small stderr buffer, so that printing never enters the timing.
 *
 * @example
 * ```ts
 * await runProgram('make', ['-j2', '-s'], dir)
 * ```
 */
export const runProgram = (cmd: string, args: readonly string[], cwd: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000)
    })
    child.on('error', reject)
    child.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ').slice(0, 80)} exited ${code ?? signal}: ${err.trim().slice(-600)}`)),
    )
  })

/** The first line a program prints for `--version`. @example await programVersion('make') // 'GNU Make 4.3' */
export const programVersion = (cmd: string): Promise<string> =>
  new Promise((resolve) => {
    execFile(cmd, ['--version'], (error, stdout) => resolve(error ? `${cmd} (version unknown: ${error.message})` : (stdout.split('\n')[0] ?? '').trim()))
  })

/** Whether a program can be started (its `--version` exits 0). @example await hasProgram('snakemake') // true */
export const hasProgram = async (cmd: string): Promise<boolean> =>
  runProgram(cmd, ['--version'], process.cwd()).then(
    () => true,
    () => false,
  )
