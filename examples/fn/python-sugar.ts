/**
 * dflow's E2 (examples/test_func_op.py), the function form: the same Duplicate as E1 written inline.
 * Expected: identical results to E1 (msg = "HelloHelloHello", bar "HiHiHi", odir f1/f2 repeated 3 times).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { artifact, fn, param, seq, step, t, workflow } from 'dflow-ts'
import { prepare } from './prepare.ts'

const duplicate = fn(
  {
    name: 'duplicate',
    module: import.meta.url,
    image: 'node:20-alpine',
    inputs: { msg: param(t.string), num: param(t.number), foo: artifact(), idir: artifact() },
    outputs: { msg: param(t.string), bar: artifact(), odir: artifact() },
  },
  ({ msg, num, foo, idir }) => {
    writeFileSync('output.txt', readFileSync(foo, 'utf8').repeat(num))
    mkdirSync('todir', { recursive: true })
    for (const f of readdirSync(idir)) writeFileSync(join('todir', f), readFileSync(join(idir, f), 'utf8').repeat(num))
    return { msg: msg.repeat(num), bar: 'output.txt', odir: 'todir' }
  },
)

const p = step('prepare', prepare)
export default workflow('python-sugar', seq(p, step('step', duplicate, { msg: 'Hello', num: 3, foo: p.outputs.foo, idir: p.outputs.idir })))
