/**
 * `sh` round-trips: every tricky value reaches the script byte for byte under dash and bash, in every hole
 * context (word, double quotes, unquoted heredoc, list, concatenated word, command substitution, backticks),
 * and nothing in it is ever run as code.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sh } from 'dflow-ts'
import { assertBytes, concatScripts, runScript, SHELLS } from './run-script.ts'
import { TRICKY } from './tricky-values.ts'

/**
 * A script that writes the value through every hole context, one file each, in folder `k`. The heredoc lines
 * of the <<- case are indented with real tabs, which the shell strips (the value's own tabs survive).
 */
const probe = (v: string, k: string) => sh`mkdir ${k} && cd ${k} && : > decoy || exit 1
printf '%s' ${v} > word
printf '%s' "<${v}>" > dquote
printf '%s' pre${v}post${v} > concat
printf '%s' --x=${v} > flag
set -- ${v}; printf '%s' "$#" > count
printf '[%s]' ${[v, 'mid', v]} > list
printf '%s' "$(printf '%s.' ${v})" > cmdsub
printf '%s' "$(printf '%s.' "${v}")" > cmdsub-dquote
printf '%s' "\`printf '%s.' ${v}\`" > backtick
cat > heredoc <<EOF
<${v}>
EOF
cat > heredoc-strip <<-EOF
	<${v}>
	EOF
cat > heredoc-cmdsub <<EOF
$(printf '%s.' ${v})
EOF
cd ..
`

/** What each file must hold for value `v`. */
const expected = (v: string): Readonly<Record<string, string>> => ({
  word: v,
  dquote: `<${v}>`,
  concat: `pre${v}post${v}`,
  flag: `--x=${v}`,
  count: '1',
  list: `[${v}][mid][${v}]`,
  cmdsub: `${v}.`,
  'cmdsub-dquote': `${v}.`,
  backtick: `${v}.`,
  heredoc: `<${v}>\n`,
  'heredoc-strip': `<${v}>\n`,
  'heredoc-cmdsub': `${v}.\n`,
})

// One process per shell checks every value (each value in its own folder); the tests below read one each.
const runs = new Map(SHELLS.map((shell) => [shell, runScript([shell], concatScripts(TRICKY.map(([, v], k) => probe(v, String(k)))))]))

for (const shell of SHELLS) {
  test(`${shell}: the script runs cleanly and runs no value as code`, async () => {
    const run = await runs.get(shell)!
    assert.is(run.status, 0, run.stderr)
    assert.is(run.stderr, '')
    assert.equal(run.files.filter((f) => f.includes('pwned')), [], 'a value was run as code')
  })
  TRICKY.forEach(([label, value], k) => {
    test(`${shell}: ${label} round-trips in every context`, async () => {
      const run = await runs.get(shell)!
      for (const [file, want] of Object.entries(expected(value))) assertBytes(run, `${k}/${file}`, want, `${shell} ${label}`)
    })
  })
}

test.run()
