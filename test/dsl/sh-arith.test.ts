/**
 * `sh` arithmetic holes: `$((${n} * 2))` computes with numbers under dash and bash, and the integer guard
 * stops the script (exit 2, a message on stderr, the body never run) for anything that is not a plain
 * decimal integer — bash would otherwise evaluate `a[$(cmd)]` inside `$((…))` as code.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { param, render, sh, shell, t } from 'dflow-ts'
import { assertBytes, concatScripts, runScript, SHELLS } from './run-script.ts'

const GOOD: readonly (number | string)[] = [0, 7, -3, 123456789, '42', '-0', '-15']

/** Folder `k`: the value through $((…)) in a word, in double quotes, in a heredoc, and nested in parentheses. */
const compute = (n: number | string, k: string) => sh`mkdir ${k} && cd ${k} || exit 1
printf '%s' $((${n} * 2)) > word
printf '%s' "[$((${n} + 1))]" > dquote
cat > heredoc <<EOF
$(( (${n} - 1) * 3 ))
EOF
cd ..
`

const goodRuns = new Map(SHELLS.map((s) => [s, runScript([s], concatScripts(GOOD.map((n, k) => compute(n, String(k)))))]))

for (const shell of SHELLS)
  test(`${shell}: arithmetic holes compute with integers`, async () => {
    const run = await goodRuns.get(shell)!
    assert.is(run.status, 0, run.stderr)
    GOOD.forEach((n, k) => {
      const v = Number(n)
      assertBytes(run, `${k}/word`, String(v * 2), `${shell} ${n}`)
      assertBytes(run, `${k}/dquote`, `[${v + 1}]`, `${shell} ${n}`)
      assertBytes(run, `${k}/heredoc`, `${(v - 1) * 3}\n`, `${shell} ${n}`)
    })
  })

test('the guard is emitted once per variable, before the body', () => {
  const r = render(sh`echo $((${3} + ${4})); echo $((${3}))`)
  const lines = r.text.split('\n')
  assert.is(lines.length, 4)
  assert.match(lines[0]!, /^case \$\{dflow_lit_0\} in .*exit 2;; esac$/)
  assert.match(lines[1]!, /^case \$\{dflow_lit_1\} in .*exit 2;; esac$/)
  assert.match(lines[2]!, /^case \$\{dflow_lit_2\} in /)
  assert.is(lines[3], 'echo $((${dflow_lit_0} + ${dflow_lit_1})); echo $((${dflow_lit_2}))')
  assert.not.match(render(sh`echo ${3} "${4}"`).text, /case/)
})

const BAD: readonly string[] = ['1+1', '$(id)', 'a[$(touch pwned)]', 'x', '', '-', '1-1', '--1', '2.5', ' 3', '3\n', '0x10', '010', '-08', '1e3']

/** Each bad value stops its own script, so each gets its own process. */
const badRuns = SHELLS.flatMap((s) => BAD.map((v) => [s, v, runScript([s], sh`echo $((${v} * 2)) > out; touch ran`)] as const))

test('the guard rejects every value that is not a decimal integer, before the body runs', async () => {
  for (const [shell, v, pending] of badRuns) {
    const run = await pending
    const label = `${shell} ${JSON.stringify(v)}`
    assert.is(run.status, 2, label)
    assert.ok(run.stderr.startsWith('dflow: a literal must be an integer in $((...)), got: '), `${label}: ${run.stderr}`)
    assert.ok(run.stderr.includes(v), `${label}: the message shows the value`)
    assert.equal(run.files.filter((f) => !['script', 'decoy'].includes(f)), [], `${label}: the body ran`)
  }
})

test('the guard names the input it checks, and guards every element of a list hole', async () => {
  const doubler = shell({ name: 'double', inputs: { n: param(t.number) }, script: ({ n }) => sh`echo $((${n} * 2))` })
  for (const s of SHELLS) {
    const ok = await runScript([s], doubler.source, { dflow_in_n: '21' })
    assert.is(ok.stdout, '42\n')
    const bad = await runScript([s], doubler.source, { dflow_in_n: 'a[$(touch pwned)]' })
    assert.is(bad.status, 2)
    assert.match(bad.stderr, /^dflow: input n must be an integer/)
    assert.not.ok(bad.files.includes('pwned'))
    const list = await runScript([s], sh`echo $((${[1, '1+1']})) > out`)
    assert.is(list.status, 2, `${s}: a bad list element`)
    assert.ok(list.stderr.includes('got: 1+1'), list.stderr)
  }
  assert.is(render(sh`echo $((${[1, 2]}))`).text.match(/^case /gm)?.length, 2)
})

test.run()
