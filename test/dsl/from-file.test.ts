/**
 * Values read from files (how a value too large for the environment reaches a script): the preamble of a
 * `sh` script and the file-aware holes of a `py` script keep every byte — leading and trailing whitespace,
 * trailing newlines, quotes, CR — under dash and bash and python3, and a value still set inline works too.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fileVarOf, py, render, sh, type Script } from 'dflow-ts'
import { concatScripts, SHELLS } from './run-script.ts'
import { TRICKY } from './tricky-values.ts'

const VALUES: readonly string[] = [...TRICKY.map(([, v]) => v), '\n\n\n', '  \n lead and trail \n\n', 'x'.repeat(300 * 1024) + '\n']

/**
 * Runs one script made of `part(v, k)` for every value (each writing file `out<k>`), every hole's value in a
 * file (or inline when `inline`); returns what each part wrote. One process per call: spawns cost more than the checks.
 */
const run = (command: string, part: (v: string, k: number) => Script, values: readonly string[], inline: boolean): string[] => {
  const dir = mkdtempSync(join(tmpdir(), 'dflow-from-file-'))
  try {
    const r = render(concatScripts(values.map(part)), { fromFile: () => true })
    writeFileSync(join(dir, 'script'), r.text)
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' }
    r.env.forEach((b, i) => {
      if (inline) env[b.name] = String(b.value)
      else {
        writeFileSync(join(dir, `v${i}`), String(b.value))
        env[fileVarOf(b.name)] = join(dir, `v${i}`)
      }
    })
    const p = spawnSync(command, ['script'], { cwd: dir, env, encoding: 'utf8' })
    assert.is(p.status, 0, p.stderr)
    return values.map((_, k) => readFileSync(join(dir, `out${k}`), 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const SMALL = VALUES.filter((v) => v.length < 1000)
const check = (got: readonly string[], want: (v: string) => string, values: readonly string[], label: string) =>
  got.forEach((g, k) => assert.ok(g === want(values[k]!), `${label}: ${JSON.stringify(values[k]!.slice(0, 40))} came back ${JSON.stringify(g.slice(0, 40))}`))

for (const shell of SHELLS)
  test(`sh under ${shell}: a value read from its file keeps every byte`, () => {
    check(run(shell, (x, k) => sh`printf '%s|%s' ${x} "${x}" > out${String(k)};
`, VALUES, false), (v) => `${v}|${v}`, VALUES, 'file')
    check(run(shell, (x, k) => sh`printf '%s' ${x} > out${String(k)};
`, SMALL, true), (v) => v, SMALL, 'inline')
  })

test('py: a value read from its file keeps every byte; one set inline too', () => {
  const part = (x: string, k: number) => py`open("out" + ${String(k)}, "w", encoding="utf-8", newline="").write(${x} + "|" + ${[x]}[0])
`
  check(run('python3', part, VALUES, false), (v) => `${v}|${v}`, VALUES, 'file')
  check(run('python3', part, SMALL, true), (v) => `${v}|${v}`, SMALL, 'inline')
})

test('the sh preamble reads files first, before the check of an arithmetic hole; py has no preamble', () => {
  const r = render(sh`echo $((${'1'} + 1))`, { fromFile: () => true })
  assert.ok(r.text.startsWith('if [ -n "${dflow_file_lit_0+x}" ]'), r.text)
  assert.ok(r.text.indexOf('case ${dflow_lit_0}') > r.text.indexOf('fi\n'))
  assert.is(render(sh`echo ${'a'}`).text, 'echo "${dflow_lit_0}"')
  assert.ok(render(py`from __future__ import annotations\nprint(${'a'})`, { fromFile: () => true }).text.startsWith('from __future__'))
})

test.run()
