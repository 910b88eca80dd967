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
import { SHELLS } from './run-script.ts'
import { TRICKY } from './tricky-values.ts'

const VALUES: readonly string[] = [...TRICKY.map(([, v]) => v), '\n\n\n', '  \n lead and trail \n\n', 'x'.repeat(300 * 1024) + '\n']

/** Runs `script` with every hole's value in a file (or inline when `inline`), once per value; returns what it wrote to `out`. */
const run = (command: string, script: (v: string) => Script, v: string, inline: boolean): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dflow-from-file-'))
  try {
    const r = render(script(v), { fromFile: () => true })
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
    return readFileSync(join(dir, 'out'), 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const shell of SHELLS)
  test(`sh under ${shell}: a value read from its file keeps every byte`, () => {
    for (const v of VALUES) {
      assert.ok(run(shell, (x) => sh`printf '%s|%s' ${x} "${x}" > out`, v, false) === `${v}|${v}`, JSON.stringify(v.slice(0, 40)))
      if (v.length < 1000) assert.ok(run(shell, (x) => sh`printf '%s' ${x} > out`, v, true) === v, `inline ${JSON.stringify(v)}`)
    }
  })

test('py: a value read from its file keeps every byte; one set inline too', () => {
  for (const v of VALUES) {
    assert.ok(run('python3', (x) => py`open("out", "w", encoding="utf-8", newline="").write(${x} + "|" + ${[x]}[0])`, v, false) === `${v}|${v}`, JSON.stringify(v.slice(0, 40)))
    if (v.length < 1000) assert.ok(run('python3', (x) => py`open("out", "w", encoding="utf-8", newline="").write(${x})`, v, true) === v, `inline ${JSON.stringify(v)}`)
  }
})

test('the sh preamble reads files first, before the check of an arithmetic hole; py has no preamble', () => {
  const r = render(sh`echo $((${'1'} + 1))`, { fromFile: () => true })
  assert.ok(r.text.startsWith('if [ -n "${dflow_file_lit_0+x}" ]'), r.text)
  assert.ok(r.text.indexOf('case ${dflow_lit_0}') > r.text.indexOf('fi\n'))
  assert.is(render(sh`echo ${'a'}`).text, 'echo "${dflow_lit_0}"')
  assert.ok(render(py`from __future__ import annotations\nprint(${'a'})`, { fromFile: () => true }).text.startsWith('from __future__'))
})

test.run()
