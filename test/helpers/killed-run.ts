import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as assert from 'uvu/assert'
import { BIN } from './cli.ts'
import { until } from './processes.ts'

/**
 * Runs a workflow file with `dflow run` in a child process, waits until a line of its journal starts with
 * `{"id":"ID",` and says Running (and `ready(runDir)` holds, if given), then kills the driver with SIGKILL;
 * resolves with the run folder.
 *
 * @example
 * ```ts
 * const dir = await killedWhileRunning('test/fixtures/restartable.ts', join(tmp, 'runs'), 'b')
 * await restart(dir)
 * ```
 */
export const killedWhileRunning = async (file: string, runs: string, id: string, env: Readonly<Record<string, string>> = {}, ready: (dir: string) => boolean = () => true): Promise<string> => {
  const child = spawn(process.execPath, [BIN, 'run', file, '--runs-dir', runs, '-q'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: 'ignore' })
  let dir = ''
  const running = () => {
    const found = existsSync(runs) ? readdirSync(runs) : []
    if (found.length !== 1) return false
    dir = join(runs, found[0]!)
    const j = join(dir, 'steps.jsonl')
    return existsSync(j) && readFileSync(j, 'utf8').split('\n').some((l) => l.startsWith(`{"id":${JSON.stringify(id)},`) && l.includes('"phase":"Running"')) && ready(dir)
  }
  assert.ok(await until(running, 30_000), `${id} started`)
  child.kill('SIGKILL')
  await new Promise((r) => child.on('exit', r))
  return dir
}
