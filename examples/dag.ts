/**
 * dflow's E4 (examples/test_dag.py): the shell templates of E3 as a DAG; hello1 depends on hello0 through
 * the references it uses. Expected: hello1.msg = 2 (a number), its bar holds "Hello\n" twice.
 */
import { dag, step, workflow } from 'dflow-ts'
import { duplicate, hello } from './steps.ts'

const h0 = step('hello0', hello)
const h1 = step('hello1', duplicate, { msg: h0.outputs.msg, foo: h0.outputs.bar })

export default workflow('dag', dag(h0, h1))
