/**
 * `py` templates: holes render as `os.environ` reads, every tricky value round-trips through a real
 * `python3` byte for byte, and a hole inside a string literal or a comment throws a DflowError.
 */
import { spawnSync } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { param, py, render, script, sh, t, type Script } from 'dflow-ts'
import { assertBytes, concatScripts, runScript } from './run-script.ts'
import { TRICKY } from './tricky-values.ts'
import { expectOneProblem } from './expect-error.ts'

/** The real interpreter behind `python3` (a version manager's shim may need the HOME the tests replace). */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim()

const env = (name: string) => `__import__("os").environ["${name}"]`

test('a hole renders as an os.environ read, a list hole as a list of them', () => {
  assert.equal(render(py`print(${'x'})`), { text: `print(${env('dflow_lit_0')})`, env: [{ name: 'dflow_lit_0', value: 'x' }] })
  assert.is(render(py`xs = ${['a', 1]}`).text, `xs = [${env('dflow_lit_0_0')}, ${env('dflow_lit_0_1')}]`)
  assert.is(render(py`xs = ${[]}`).text, 'xs = []')
  assert.is(render(py`print(${sh.unsafeRaw('6 * 7')})`).text, 'print(6 * 7)')
})

test('script() with py: inputs and outputs become named variables, python3 runs it', async () => {
  const gen = script({
    name: 'gen',
    inputs: { n: param(t.number) },
    outputs: { twice: param(t.number) },
    source: ({ n }, out) => py`open(${out.twice}, "w").write(str(int(${n}) * 2))`,
  })
  assert.equal(gen.command, ['python3'])
  assert.is(render(gen.source).text, `open(${env('dflow_out_twice')}, "w").write(str(int(${env('dflow_in_n')}) * 2))`)
  const run = await runScript([PYTHON], gen.source, { dflow_in_n: '21', dflow_out_twice: 'twice.txt' })
  assert.is(run.status, 0, run.stderr)
  assertBytes(run, 'twice.txt', '42', 'python3')
})

/** Folder `k`: the value as it is, concatenated, in a list, and its length in code points. */
const probe = (v: string, k: string) => py`os.makedirs(${k}); os.chdir(${k})
put("code", ${v})
put("concat", "<" + ${v} + '>')  # a comment after the holes
put("list", "|".join(${[v, 'mid', v]}))
put("len", str(len(${v})))
os.chdir("..")
`

const prelude = py`import os
def put(name, value):
    with open(name, "wb") as f:
        f.write(os.fsencode(value))
`

const roundTrip = runScript([PYTHON], concatScripts([prelude, ...TRICKY.map(([, v], k) => probe(v, String(k)))]))

test('python3 runs the round-trip script cleanly', async () => {
  const run = await roundTrip
  assert.is(run.status, 0, run.stderr)
  assert.is(run.stderr, '')
})

TRICKY.forEach(([label, v], k) => {
  test(`python3: ${label} round-trips`, async () => {
    const run = await roundTrip
    assertBytes(run, `${k}/code`, v, label)
    assertBytes(run, `${k}/concat`, `<${v}>`, label)
    assertBytes(run, `${k}/list`, `${v}|mid|${v}`, label)
    assertBytes(run, `${k}/len`, String([...v].length), label)
  })
})

/** Scripts whose holes are code, although quotes or # appear around them; each prints its result. */
const CODE: readonly (readonly [what: string, script: Script, out: string])[] = [
  ['after a closed string', py`print("a" + ${'b'})`, 'ab'],
  ['after a string holding #', py`print('#' + ${'b'})`, '#b'],
  ['after a string holding the other quote', py`print("it's" + ${'b'} + 'say "x"')`, `it'sbsay "x"`],
  ['after an escaped quote in a string', py`print("a\"b" + ${'c'})`, 'a"bc'],
  ['after a closed triple-quoted string', py`print("""a "quoted" ' text""" + ${'b'})`, `a "quoted" ' textb`],
  ['after an empty string', py`print("" + ${'b'} + '')`, 'b'],
  [
    'on the line after a comment',
    py`# a comment with "quotes
print(${'b'})`,
    'b',
  ],
  [
    'after a multi-line triple-quoted string',
    py`s = '''line one
line two # not a comment'''
print(s + ${'!'})`,
    'line one\nline two # not a comment!',
  ],
]

for (const [what, s, out] of CODE)
  test(`a hole ${what} is code`, async () => {
    const run = await runScript([PYTHON], s)
    assert.is(run.status, 0, run.stderr)
    assert.is(run.stdout, `${out}\n`)
  })

const NEVER_EXPANDED: readonly (readonly [where: string, build: () => unknown, message: RegExp])[] = [
  ['a double-quoted string', () => py`print("${'x'}")`, /string literal/],
  ['a single-quoted string', () => py`print('a ${'x'}')`, /string literal/],
  ['a string after an escaped quote', () => py`print("a\"${'x'}")`, /string literal/],
  ['a triple-quoted string', () => py`print("""a " ${'x'}""")`, /string literal/],
  [
    'a triple-quoted string across lines',
    () => py`s = '''
${'x'}'''`,
    /string literal/,
  ],
  ['an f-string', () => py`print(f"{${'x'}}")`, /string literal/],
  ['a comment', () => py`print(1)  # ${'x'}`, /comment/],
  ['a comment after a string holding #', () => py`print("#") # ${'x'}`, /comment/],
  ['a string opened by unsafeRaw', () => py`print(${sh.unsafeRaw('"')}${'x'}")`, /string literal/],
]

for (const [where, build, message] of NEVER_EXPANDED)
  test(`a hole in ${where} throws a DflowError with a hint`, () => {
    expectOneProblem(build, ['py'], message)
  })

test.run()
