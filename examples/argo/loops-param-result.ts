/**
 * Argo's loops-param-result.yaml: `generate` prints a JSON list on stdout; `sleep` fans out over it
 * (`withParam` on the result). Shortened: the list is 0.1 … 0.3 seconds instead of 20 … 30.
 */
import { forEach, param, py, script, seq, sh, shell, step, stdout, subflow, t, workflow } from 'dflow-ts'

const genNumberList = script({
  name: 'gen-number-list',
  image: 'python:alpine3.23',
  outputs: { result: stdout(t.array(t.number)) },
  source: () => py`
import json
import sys
json.dump([i / 10 for i in range(1, 4)], sys.stdout)
`,
})

const sleepNSec = shell({
  name: 'sleep-n-sec',
  image: 'alpine:3.23',
  inputs: { seconds: param(t.number) },
  script: ({ seconds }) => sh`echo sleeping for ${seconds} seconds; sleep ${seconds}; echo done`,
})

const example = subflow({
  name: 'loop-param-result-example',
  body: () => {
    const generate = step('generate', genNumberList)
    return seq(generate, forEach(generate.outputs.result, (item) => step('sleep', sleepNSec, { seconds: item })))
  },
})

export default workflow('loops-param-result', step('loop-param-result-example', example))
