/**
 * dflow's E4, the typed Python DAG variant (tests/test_dag.py): Hello returns msg = 1 and a file "Hello";
 * Duplicate doubles both. Expected: hello1.msg is the number 2, its bar holds "HelloHello".
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { artifact, dag, fn, param, step, t, workflow } from 'dflow-ts'

const hello = fn(
  { name: 'hello', module: import.meta.url, outputs: { msg: param(t.number), bar: artifact() } },
  () => {
    writeFileSync('bar.txt', 'Hello')
    return { msg: 1, bar: 'bar.txt' }
  },
)

const duplicate = fn(
  { name: 'duplicate', module: import.meta.url, inputs: { msg: param(t.number), foo: artifact() }, outputs: { msg: param(t.number), bar: artifact() } },
  ({ msg, foo }) => {
    writeFileSync('bar.txt', readFileSync(foo, 'utf8').repeat(2))
    return { msg: msg * 2, bar: 'bar.txt' }
  },
)

const h0 = step('hello0', hello)
const h1 = step('hello1', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar })
export default workflow('dag-fn', dag(h0, h1))
