/**
 * dflow's E1 (tests/test_python.py), the class-like form: the OP's declaration (its "sign") and its
 * `execute` are written apart and joined by `fn`. Duplicate repeats a message, a file and each file of a
 * folder `num` times. Expected: step `step` Succeeded, msg = "HelloHelloHello", bar holds "HiHiHi", odir
 * holds f1 = "foofoofoo" and f2 = "barbarbar".
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { artifact, fn, param, seq, step, t, workflow, type FnBody } from 'dflow-ts'
import { prepare } from './prepare.ts'

const sign = {
  inputs: { msg: param(t.string), num: param(t.number), foo: artifact(), idir: artifact() },
  outputs: { msg: param(t.string), bar: artifact(), odir: artifact() },
}

const execute: FnBody<typeof sign.inputs, typeof sign.outputs> = ({ msg, num, foo, idir }) => {
  writeFileSync('output.txt', readFileSync(foo, 'utf8').repeat(num))
  mkdirSync('todir', { recursive: true })
  for (const f of readdirSync(idir)) writeFileSync(join('todir', f), readFileSync(join(idir, f), 'utf8').repeat(num))
  return { msg: msg.repeat(num), bar: 'output.txt', odir: 'todir' }
}

export const duplicate = fn({ name: 'duplicate', module: import.meta.url, image: 'node:20-alpine', ...sign }, execute)

const p = step('prepare', prepare)
export default workflow('python', seq(p, step('step', duplicate, { msg: 'Hello', num: 3, foo: p.outputs.foo, idir: p.outputs.idir })))
