/**
 * Test helper: renders a `sh`/`py` script and runs it as a real child process in a fresh temporary folder,
 * with the rendered environment bindings set as environment variables (a literal as `String(value)`, any
 * other hole from `values` by its variable name).
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import * as assert from 'uvu/assert'
import { render, type EnvBinding, type Script } from 'dflow-ts'

/** The POSIX shells every `sh` test runs under. @example for (const s of SHELLS) await runScript([s], sh`true`) */
export const SHELLS = ['/usr/bin/dash', '/usr/bin/bash'] as const

/** The outcome of one run: exit status, output streams, and the files the script left behind. @example (await runScript(['/usr/bin/dash'], sh`exit 3`)).status // 3 */
export interface ScriptRun {
  readonly text: string
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  /** The paths of the files in the folder after the run, relative to it (including `script` and `decoy`). */
  readonly files: readonly string[]
  /** The bytes of a file the script wrote (throws, with the script's stderr, when there is none). */
  readonly bytes: (name: string) => Buffer
}

/**
 * One script that runs `parts` one after another. Each part must end where it began (outside any quote,
 * heredoc or substitution), as a part built by a complete `sh` template does. Lets one process check many
 * values: spawning a process costs more than the checks.
 *
 * @example
 * ```ts
 * concatScripts([sh`echo ${1};`, sh`echo ${2}`]) // renders 'echo "${dflow_lit_0}";echo "${dflow_lit_1}"'
 * ```
 */
export const concatScripts = (parts: readonly Script[]): Script =>
  Object.freeze({ _tag: 'Script', lang: parts[0]?.lang ?? 'sh', segments: Object.freeze(parts.flatMap((p) => p.segments)) })

/** Environment variables for a rendered script's bindings. @example envOf(render(sh`echo ${1}`).env) // { dflow_lit_0: '1' } */
export const envOf = (bindings: readonly EnvBinding[], values: Readonly<Record<string, string>> = {}): Record<string, string> =>
  Object.fromEntries(
    bindings.map(({ name, value }) => {
      if (typeof value !== 'object') return [name, String(value)]
      const given = values[name]
      if (given === undefined) throw new Error(`no test value for ${name}`)
      return [name, given]
    }),
  )

/**
 * Runs `script` with `command` in a fresh temporary folder holding a file `decoy` (so that an unquoted `*`
 * would visibly expand), reads every file it left, then removes the folder. Asynchronous, so that tests can
 * start many runs at once.
 *
 * @example
 * ```ts
 * const r = await runScript(['/usr/bin/dash'], sh`printf '%s' ${'a b'} > out`)
 * r.bytes('out').toString() // 'a b'
 * ```
 */
export const runScript = async (command: readonly string[], script: Script, values: Readonly<Record<string, string>> = {}): Promise<ScriptRun> => {
  const { text, env } = render(script)
  const dir = await mkdtemp(join(tmpdir(), 'dflow-dsl-'))
  try {
    await writeFile(join(dir, 'decoy'), '')
    await writeFile(join(dir, 'script'), text)
    const child = spawn(command[0]!, [...command.slice(1), 'script'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home-of-test', LC_ALL: 'C.UTF-8', ...envOf(env, values) },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000, // a bound for a stuck script, not a timing check (10 s was reached at a load of 60)
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => stdout.push(b))
    child.stderr.on('data', (b: Buffer) => stderr.push(b))
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', resolve)
    })
    // Read every file the script left now: the folder is removed before the caller looks.
    const entries = await readdir(dir, { recursive: true, withFileTypes: true })
    const names = entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
    const files = new Map(await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name))] as const)))
    const err = Buffer.concat(stderr).toString('utf8')
    const bytes = (name: string): Buffer => {
      const content = files.get(name)
      if (content === undefined) throw new Error(`the script wrote no file ${name}; stderr: ${err}`)
      return content
    }
    return { text, status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: err, files: names, bytes }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Asserts that a file the script wrote holds exactly the UTF-8 bytes of `want`.
 *
 * @example
 * ```ts
 * assertBytes(await runScript(['/usr/bin/dash'], sh`printf '%s' ${'x'} > out`), 'out', 'x', 'dash word')
 * ```
 */
export const assertBytes = (run: ScriptRun, name: string, want: string, label: string): void => {
  const got = run.bytes(name)
  const message = `${label}: ${name} holds ${JSON.stringify(got.toString('utf8'))}, expected ${JSON.stringify(want)}\nscript:\n${run.text}\nstderr: ${run.stderr}`
  assert.ok(got.equals(Buffer.from(want, 'utf8')), message)
}
