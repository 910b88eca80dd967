/**
 * Argo's exit-handler-with-param.yaml: `step-1` writes "hello world"; its exit hook `exit` receives that
 * output as an argument and prints it.
 */
import { param, py, script, sh, shell, step, subflow, t, workflow } from 'dflow-ts'

const output = shell({
  name: 'output',
  image: 'python:alpine3.23',
  outputs: { result: param(t.string, { path: '/tmp/hello_world.txt', default: 'Foobar' }) },
  script: (_, o) => sh`printf 'hello world' > ${o.result}`,
})
const exit = script({
  name: 'exit',
  image: 'python:alpine3.23',
  inputs: { message: param(t.string) },
  source: ({ message }) => py`print(${message})`,
})

const main = subflow({
  name: 'main',
  body: () => step('step-1', output, {}, { onExit: (out) => step('exit', exit, { message: out.result }) }),
})

export default workflow('exit-handler-with-param', step('main', main))
