/**
 * dflow's E10 in groups (tests/test_slices.py, `group_size` with `output_artifact`): `hello` is sliced over
 * three file names in groups of 2 (2 calls: 2 + 1 slices); each slice writes its file with the text "foo" in
 * its own folder and returns it as its output artifact `foo`; the slices' artifacts are stacked into one
 * list artifact in slice order, exactly as without groups (entry i is slice i's artifact, with a dflow
 * catalog); `check` reads it as a list of paths (`artifactList()`).
 * Expected: 2 `hello` calls, 3 slice records; `check` gets 3 paths, holding `f1.txt`, `f2.txt` and `f3.txt`
 * in that order, each "foo", and returns `n` = 3.
 */
import { seq, slice, step, workflow } from 'dflow-ts'
import { check, hello } from './artifact-slices.ts'

export default workflow('group-artifacts', () => {
  const hellos = slice({ filename: ['f1.txt', 'f2.txt', 'f3.txt'] }, (s) => step('hello', hello, { filename: s.filename }), { groupSize: 2 })
  return seq(hellos, step('check', check, { foo: hellos.outputs.foo }))
})
