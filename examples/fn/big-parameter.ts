/**
 * dflow's E8 (examples/test_big_parameter.py): a big parameter holding an object, passed as a file (an
 * artifact on Argo) through a sub-workflow. Duplicate doubles `foo.msg`. Expected: step1's foo.msg =
 * "hellohello"; step2's and big-step's = "hellohellohellohello"; the step with key "step1" gives back an
 * object.
 */
import { bigParam, fn, seq, step, subflow, t, workflow } from 'dflow-ts'

export const Hello = t.type({ msg: t.string }, 'Hello')

const duplicate = fn(
  { name: 'duplicate', module: import.meta.url, inputs: { foo: bigParam(Hello) }, outputs: { foo: bigParam(Hello) } },
  ({ foo }) => ({ foo: { msg: foo.msg.repeat(2) } }),
)

const helloSteps = subflow({
  name: 'hello-steps',
  inputs: { foo: bigParam(Hello) },
  body: ({ foo }) => {
    const s1 = step('step1', duplicate, { foo }, { key: 'step1' })
    const s2 = step('step2', duplicate, { foo: s1.outputs.foo }, { key: 'step2' })
    return { run: seq(s1, s2), outputs: { foo: s2.outputs.foo } }
  },
})

export default workflow('big-param', step('big-step', helloSteps, { foo: { msg: 'hello' } }))
