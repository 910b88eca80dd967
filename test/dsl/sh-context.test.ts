/**
 * `sh` hole classification: what each hole renders to in each shell context, checked on the rendered text
 * and by running the text under dash and bash; and the holes that can never expand (single quotes, quoted
 * heredocs, comments), which throw a DflowError with a hint when the script is built.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { artifact, ctx, param, refsOf, render, sh, shell, t, type Script } from 'dflow-ts'
import { assertBytes, concatScripts, runScript, SHELLS } from './run-script.ts'
import { expectOneProblem } from './expect-error.ts'

const V = 'a  b*$(touch pwned)'

interface Case {
  readonly name: string
  readonly script: Script
  /** The rendered text. */
  readonly text: string
  /** What the script writes to its file `out`. */
  readonly out: string
}

/* Each case writes the file out; the heredoc lines of <<- cases are indented with real tabs. */
const CASES: readonly Case[] = [
  { name: 'word', script: sh`printf '%s' ${V} > out`, text: `printf '%s' "\${dflow_lit_0}" > out`, out: V },
  { name: 'word, concatenated', script: sh`printf '%s' --x=${V}.${'y'} > out`, text: `printf '%s' --x="\${dflow_lit_0}"."\${dflow_lit_1}" > out`, out: `--x=${V}.y` },
  { name: 'list in a word', script: sh`printf '[%s]' ${[V, '', 'z']} > out`, text: `printf '[%s]' "\${dflow_lit_0_0}" "\${dflow_lit_0_1}" "\${dflow_lit_0_2}" > out`, out: `[${V}][][z]` },
  { name: 'empty list', script: sh`printf '[%s]' x ${[]} > out`, text: `printf '[%s]' x  > out`, out: '[x]' },
  { name: 'double quotes', script: sh`printf '%s' "<${V}>" > out`, text: `printf '%s' "<\${dflow_lit_0}>" > out`, out: `<${V}>` },
  { name: 'list in double quotes', script: sh`printf '[%s]' "${[V, 'z']}" > out`, text: `printf '[%s]' "\${dflow_lit_0_0} \${dflow_lit_0_1}" > out`, out: `[${V} z]` },
  { name: "a ' inside double quotes is literal", script: sh`printf '%s' "it's ${V}" > out`, text: `printf '%s' "it's \${dflow_lit_0}" > out`, out: `it's ${V}` },
  { name: 'after an escaped quote', script: sh`printf '%s' it\'s ${V} > out`, text: `printf '%s' it\\'s "\${dflow_lit_0}" > out`, out: `it's${V}` },
  { name: 'between single-quoted pieces', script: sh`printf '%s' 'a"b'${V}'c' > out`, text: `printf '%s' 'a"b'"\${dflow_lit_0}"'c' > out`, out: `a"b${V}c` },
  {
    name: '$(…) inside double quotes',
    script: sh`printf '%s' "$(printf '%s.' ${V})" > out`,
    text: `printf '%s' "$(printf '%s.' "\${dflow_lit_0}")" > out`,
    out: `${V}.`,
  },
  {
    name: 'double quotes inside $(…) inside double quotes',
    script: sh`printf '%s' "<$(printf '%s' "[${V}]")>" > out`,
    text: `printf '%s' "<$(printf '%s' "[\${dflow_lit_0}]")>" > out`,
    out: `<[${V}]>`,
  },
  { name: 'backticks', script: sh`printf '%s' "\`printf '%s.' ${V}\`" > out`, text: `printf '%s' "\`printf '%s.' "\${dflow_lit_0}"\`" > out`, out: `${V}.` },
  { name: 'a shell ${…} written as \\${…}', script: sh`x=abc; printf '%s' "\${#x}" ${V} > out`, text: `x=abc; printf '%s' "\${#x}" "\${dflow_lit_0}" > out`, out: `3${V}` },
  {
    name: 'unquoted heredoc',
    script: sh`cat > out <<EOF
"${V}" '${V}' $(printf '%s' ${V}) $((${2} + 1)) \`printf '%s' ${V}\` \$x \\
EOF
`,
    text: `case \${dflow_lit_3} in `,
    out: `"${V}" '${V}' ${V} 3 ${V} $x \\\n`,
  },
  {
    name: '<<-EOF strips tabs and finds its indented delimiter',
    script: sh`cat > out <<-EOF
		${V}
	EOF
printf '%s' ${V} >> out
`,
    text: `cat > out <<-EOF\n\t\t\${dflow_lit_0}\n\tEOF\nprintf '%s' "\${dflow_lit_1}" >> out\n`,
    out: `${V}\n${V}`,
  },
  {
    name: 'two heredocs announced on one line, bodies in order',
    script: sh`{ cat <<A; cat <<'B'; } > out
<${V}>
A
$HOME is not expanded
B
printf '%s' ${V} >> out
`,
    text: `{ cat <<A; cat <<'B'; } > out\n<\${dflow_lit_0}>\nA\n$HOME is not expanded\nB\nprintf '%s' "\${dflow_lit_1}" >> out\n`,
    out: `<${V}>\n$HOME is not expanded\n${V}`,
  },
  {
    name: 'a delimiter word with a dash, then a hole after it closes',
    script: sh`cat > out <<END-OF
${V}
END-OF
printf '%s' ${V} >> out # done
`,
    text: `cat > out <<END-OF\n\${dflow_lit_0}\nEND-OF\nprintf '%s' "\${dflow_lit_1}" >> out # done\n`,
    out: `${V}\n${V}`,
  },
  {
    name: 'a hole after a quoted heredoc closes',
    script: sh`cat > out <<'EOF'
$HOME
EOF
printf '%s' ${V} >> out
`,
    text: `cat > out <<'EOF'\n$HOME\nEOF\nprintf '%s' "\${dflow_lit_0}" >> out\n`,
    out: `$HOME\n${V}`,
  },
  {
    name: 'an unquoted heredoc inside $(…)',
    script: sh`x=$(cat <<EOF
<${V}>
EOF
); printf '%s' "$x" ${V} > out
`,
    text: `x=$(cat <<EOF\n<\${dflow_lit_0}>\nEOF\n); printf '%s' "$x" "\${dflow_lit_1}" > out\n`,
    out: `<${V}>${V}`,
  },
  { name: '# inside a word is not a comment', script: sh`printf '%s' a#${V} > out`, text: `printf '%s' a#"\${dflow_lit_0}" > out`, out: `a#${V}` },
  { name: '$# is not a comment', script: sh`set -- 1 2; printf '%s' $# ${V} > out`, text: `set -- 1 2; printf '%s' $# "\${dflow_lit_0}" > out`, out: `2${V}` },
  { name: 'a quoted or escaped # is not a comment', script: sh`printf '%s' "#" '#' \# ${V} > out`, text: `printf '%s' "#" '#' \\# "\${dflow_lit_0}" > out`, out: `###${V}` },
  {
    name: 'a comment ends at the end of its line',
    script: sh`# a comment with a ' and a "
printf '%s' ${V} > out # and one after`,
    text: `# a comment with a ' and a "\nprintf '%s' "\${dflow_lit_0}" > out # and one after`,
    out: V,
  },
  { name: 'after $((…)) closes', script: sh`printf '%s' $(( (1 + 2) * 3 ))${V} > out`, text: `printf '%s' $(( (1 + 2) * 3 ))"\${dflow_lit_0}" > out`, out: `9${V}` },
  {
    name: 'unsafeRaw is pasted verbatim and run as code',
    script: sh`printf '%s' ${sh.unsafeRaw('"$HOME" $((6 * 7))')} > out`,
    text: `printf '%s' "$HOME" $((6 * 7)) > out`,
    out: '/home-of-test42',
  },
]

const runs = new Map(
  SHELLS.map((s) => [
    s,
    runScript([s], concatScripts(CASES.flatMap((c, k) => [sh`mkdir ${String(k)} && cd ${String(k)} || exit 1
`, c.script, sh`
cd ..
`]))),
  ]),
)

for (const c of CASES)
  test(`${c.name}: renders and runs under dash and bash`, async () => {
    const { text } = render(c.script)
    if (c.text.startsWith('case ')) assert.ok(text.startsWith(c.text), text)
    else assert.is(text, c.text)
    for (const s of SHELLS) {
      const run = await runs.get(s)!
      assert.is(run.status, 0, `${s}: ${run.stderr}`)
      assertBytes(run, `${CASES.indexOf(c)}/out`, c.out, `${s} ${c.name}`)
      assert.equal(run.files.filter((f) => f.includes('pwned')), [])
    }
  })

test('unsafeRaw binds no variable', () => {
  assert.equal(render(sh`ls ${sh.unsafeRaw('-l | head')}`), { text: 'ls -l | head', env: [] })
})

test('holes in an unquoted heredoc: words in $(…) and backticks, guarded in $((…)), bare elsewhere', () => {
  const text = render(CASES.find((c) => c.name === 'unquoted heredoc')!.script).text
  assert.is(
    text.split('\n').slice(1).join('\n'),
    `cat > out <<EOF\n"\${dflow_lit_0}" '\${dflow_lit_1}' $(printf '%s' "\${dflow_lit_2}") $((\${dflow_lit_3} + 1)) \`printf '%s' "\${dflow_lit_4}"\` \\$x \\\\\nEOF\n`,
  )
})

test('a herestring (<<<) is not a heredoc', async () => {
  const s = sh`cat <<<${V} > out`
  assert.is(render(s).text, 'cat <<<"${dflow_lit_0}" > out')
  assertBytes(await runScript(['/usr/bin/bash'], s), 'out', `${V}\n`, 'bash herestring')
})

test('references, output paths and context variables render as named variables, one binding each', async () => {
  const tpl = shell({
    name: 'refs',
    inputs: { msg: param(t.string), 'in-file': artifact() },
    outputs: { n: param(t.number), 'out-dir': artifact() },
    script: ({ msg, 'in-file': inFile }, out) =>
      sh`cat ${inFile} > ${out['out-dir']}; printf '%s|%s|%s' ${msg} "${msg}" ${ctx.stepName} > ${out.n}; printf '%s' ${ctx.workflowName} >> ${out.n}`,
  })
  const r = render(tpl.source)
  assert.is(
    r.text,
    'cat "${dflow_art_in_file}" > "${dflow_out_out_dir}"; printf \'%s|%s|%s\' "${dflow_in_msg}" "${dflow_in_msg}" "${dflow_step_name}" > "${dflow_out_n}"; printf \'%s\' "${dflow_workflow_name}" >> "${dflow_out_n}"',
  )
  assert.equal(
    r.env.map((b) => b.name),
    ['dflow_art_in_file', 'dflow_out_out_dir', 'dflow_in_msg', 'dflow_step_name', 'dflow_out_n', 'dflow_workflow_name'],
  )
  const values = {
    dflow_art_in_file: 'decoy',
    dflow_out_out_dir: 'copy of decoy',
    dflow_in_msg: V,
    dflow_step_name: 'wf-1.refs',
    dflow_out_n: 'n out',
    dflow_workflow_name: 'wf-1',
  }
  for (const s of SHELLS) {
    const run = await runScript([s], tpl.source, values)
    assert.is(run.status, 0, run.stderr)
    assertBytes(run, 'n out', `${V}|${V}|wf-1.refs` + 'wf-1', s)
    assertBytes(run, 'copy of decoy', '', s)
  }
})

test('a workflow parameter in a script renders as dflow_wf_<name>', () => {
  const { greeting } = refsOf({ greeting: param(t.string) }, { kind: 'workflow' })
  assert.equal(render(sh`echo ${greeting}`), { text: 'echo "${dflow_wf_greeting}"', env: [{ name: 'dflow_wf_greeting', value: greeting }] })
})

/** Scripts whose hole can never expand, by where the hole stands, and what the error must say. */
const NEVER_EXPANDED: readonly (readonly [where: string, build: () => unknown, message: RegExp])[] = [
  ['single quotes', () => sh`echo '${V}'`, /inside single quotes/],
  ['single quotes after other text', () => sh`echo "ok" 'x ${V} y'`, /inside single quotes/],
  ['single quotes inside $(…)', () => sh`echo "$(echo '${V}')"`, /inside single quotes/],
  ['single quotes opened by unsafeRaw', () => sh`echo ${sh.unsafeRaw("'")}${V}'`, /inside single quotes/],
  ['a comment', () => sh`echo hi # ${V}`, /inside a comment/],
  ['a comment after ;', () => sh`true;#${V}`, /inside a comment/],
  [
    'a comment at the start of a line',
    () => sh`echo hi
# ${V}`,
    /inside a comment/,
  ],
  [
    'a comment right after a heredoc closes',
    () => sh`cat <<EOF
${V}
EOF
# ${V}`,
    /inside a comment/,
  ],
  [
    "<<'EOF'",
    () => sh`cat <<'EOF'
${V}
EOF
`,
    /inside a quoted heredoc/,
  ],
  [
    '<<"EOF"',
    () => sh`cat <<"EOF"
${V}
EOF
`,
    /inside a quoted heredoc/,
  ],
  [
    '<<\\EOF',
    () => sh`cat <<\EOF
${V}
EOF
`,
    /inside a quoted heredoc/,
  ],
  [
    '<<E"O"F (partly quoted)',
    () => sh`cat <<E"O"F
${V}
EOF
`,
    /inside a quoted heredoc/,
  ],
  [
    "<<-'EOF'",
    () => sh`cat <<-'EOF'
	${V}
	EOF
`,
    /inside a quoted heredoc/,
  ],
  [
    'the quoted second heredoc of a line',
    () => sh`cat <<A <<'B'
a
A
${V}
B
`,
    /inside a quoted heredoc/,
  ],
  [
    'a quoted heredoc inside $(…)',
    () => sh`x=$(cat <<'EOF'
${V}
EOF
)`,
    /inside a quoted heredoc/,
  ],
  [
    'a heredoc delimiter',
    () => sh`cat <<${V}
x
`,
    /heredoc delimiter cannot be a hole/,
  ],
  [
    'part of a heredoc delimiter',
    () => sh`cat <<EOF${V}
x
`,
    /heredoc delimiter cannot be a hole/,
  ],
]

for (const [where, build, message] of NEVER_EXPANDED)
  test(`a hole in ${where} throws a DflowError with a hint`, () => {
    expectOneProblem(build, ['sh'], message)
  })

test('the error shows the text before the hole, earlier holes as ${…}', () => {
  expectOneProblem(() => sh`echo hi; echo '${V}'`, ['sh'], /after: "echo hi; echo '"/)
  expectOneProblem(() => sh`echo ${V} ${sh.unsafeRaw('x')} # ${V}`, ['sh'], /after: "echo \$\{…\} x # "/)
})

test.run()
