/**
 * Shell and script templates for the tests of grouped slices of scripts (`groupedScript`), shared by the
 * local, Argo and dispatcher tests.
 */
import { artifact, param, py, script, sh, shell, t } from 'dflow-ts'

/**
 * Doubles x and echoes its tag and its note (a default input, not sliced) beside a literal; writes a file
 * artifact `f` naming its tag; fails (exit 3) for x = 3.
 *
 * @example step('d', shDouble, { x: 2, tag: 'a' }) // y = 4, said = 'a|n|lit $x'
 */
export const shDouble = shell({
  name: 'sh-double',
  inputs: { x: param(t.number), tag: param(t.string), note: param(t.string, { default: 'n' }) },
  outputs: { y: param(t.number, { path: 'y.txt' }), said: param(t.string, { path: 'out/said.txt' }), f: artifact({ path: 'f.txt' }) },
  script: ({ x, tag, note }, out) => sh`if [ ${x} -eq 3 ]; then echo "three is not allowed" >&2; exit 3; fi
echo $((${x} * 2)) > y.txt
printf '%s|%s|%s' ${tag} ${note} ${'lit $x'} > ${out.said}
printf 'file %s' ${tag} > f.txt`,
})

/**
 * A barrier of `k` slices: each slice marks itself started in folder `dir`, then waits (at most 20 s) until
 * `k` slices have; it fails if they never do — slices run one after the other cannot pass it. It reports how
 * many slices had started when it did (`seen`).
 *
 * @example step('b', barrier, { i: 0, k: 4, dir: '/tmp/b' })
 */
export const barrier = shell({
  name: 'barrier',
  inputs: { i: param(t.number), k: param(t.number), dir: param(t.string) },
  outputs: { seen: param(t.number, { path: 'seen.txt' }) },
  script: ({ i, k, dir }) => sh`ls ${dir} | grep -c '^started' > seen.txt || true
touch ${dir}/started-${i}
n=0
while [ "$(ls ${dir} | grep -c '^started')" -lt ${k} ]; do
  n=$((n + 1)); if [ "$n" -gt 400 ]; then echo "only $(ls ${dir} | grep -c '^started') of ${k} slices started" >&2; exit 1; fi
  sleep 0.05
done`,
})

/**
 * Counts how many slices are under way at once in folder `dir` (each holds a marker while it runs) and
 * reports the most it saw when it started (`most`), for a pool of 1.
 *
 * @example step('o', oneAtATime, { i: 0, dir: '/tmp/o' })
 */
export const oneAtATime = shell({
  name: 'one-at-a-time',
  inputs: { i: param(t.number), dir: param(t.string) },
  outputs: { most: param(t.number, { path: 'most.txt' }) },
  script: ({ i, dir }) => sh`touch ${dir}/running-${i}
sleep 0.05
ls ${dir} | grep -c '^running' > most.txt
rm ${dir}/running-${i}`,
})

/** A Python script template: upper-cases its word and counts its letters. @example step('u', pyUpper, { word: 'ab' }) // upper = 'AB', n = 2 */
export const pyUpper = script({
  name: 'py-upper',
  inputs: { word: param(t.string), suffix: param(t.string, { default: '!' }) },
  outputs: { upper: param(t.string, { path: 'upper.txt' }), n: param(t.number, { path: 'n.txt' }) },
  source: ({ word, suffix }, out) => py`w = ${word}
open(${out.upper}, "w").write(w.upper() + ${suffix})
open("n.txt", "w").write(str(len(w)))`,
})

/** Writes a file `base.txt` holding its text (for a grouped script's input artifact that is not sliced). @example step('w', writeBase, { text: 'hi' }) */
export const writeBase = shell({
  name: 'write-base',
  inputs: { text: param(t.string) },
  outputs: { base: artifact({ path: 'base.txt' }) },
  script: ({ text }) => sh`printf '%s' ${text} > base.txt`,
})

/** Prefixes its word with the text of the artifact `base` (not sliced: every slice reads the same file). @example step('p', prefixed, { base: w.outputs.base, word: 'x' }) */
export const prefixed = shell({
  name: 'prefixed',
  inputs: { base: artifact(), word: param(t.string) },
  outputs: { out: param(t.string, { path: 'out.txt' }) },
  script: ({ base, word }) => sh`printf '%s-%s' "$(cat ${base})" ${word} > out.txt`,
})
