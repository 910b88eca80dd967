import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { compile, importWorkflow } from 'dflow-ts/argo'
import { local } from 'dflow-ts/local'
import { tempDir } from '../helpers/tmp.ts'
import { echo, problemsOf, wf } from './support/import-docs.ts'
import { printed } from './support/printed.ts'

/** `{{= … }}` in a leaf template's own fields: computed for each call from what it passes the leaf's inputs. */
const tmp = tempDir('argo-import-leaf-expressions')
test.after(tmp.cleanup)
const run = (doc: unknown, parameters: Record<string, string> = {}) => local({ runsDir: tmp.path }).run(importWorkflow(doc).workflow, { parameters })

// one leaf: an expression the DSL says (asInt … * 10) and one it does not (sprig), in args, env and the same one twice
const times = {
  name: 'times',
  inputs: { parameters: [{ name: 'n' }, { name: 'who', default: 'dflow' }] },
  container: {
    image: 'busybox',
    command: ['sh', '-c'],
    args: ['echo "{{=asInt(inputs.parameters.n) * 10}} $WHO {{=asInt(inputs.parameters.n) * 10}}"'],
    env: [{ name: 'WHO', value: "{{=sprig.upper(inputs.parameters.who)}}-{{inputs.parameters.n}}" }],
  },
}

test('a leaf\'s {{= … }} reads what each call passes: a literal, an output, text with tags, a default; the DSL\'s expressions where they say it, sprig where not', async () => {
  const call = (name: string, n: string, extra: Record<string, unknown>[] = []) => ({ name, template: 'times', arguments: { parameters: [{ name: 'n', value: n }, ...extra] } })
  const r = await run(
    wf({
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'base', value: '4' }] },
      templates: [
        {
          name: 'main',
          steps: [
            [{ name: 'gen', template: 'gen' }],
            [call('lit', '3', [{ name: 'who', value: 'ann' }]), call('ref', '{{steps.gen.outputs.result}}'), call('mixed', '{{workflow.parameters.base}}2'), call('computed', '{{=asInt(workflow.parameters.base) + 1}}')],
          ],
        },
        echo('gen', 'echo 7'),
        times,
      ],
    }),
  )
  assert.is(r.status, 'Succeeded', r.message)
  const result = (n: string) => printed(r.step(n))
  assert.is(result('lit'), '30 ANN-3 30')
  assert.is(result('ref'), '70 DFLOW-7 70')
  assert.is(result('mixed'), '420 DFLOW-42 420')
  assert.is(result('computed'), '50 DFLOW-5 50')
  // one hidden input per distinct expression
  assert.equal(Object.keys(r.step('lit').inputs).filter((k) => k.startsWith('argo-expr-')).sort(), ['argo-expr-0', 'argo-expr-1'])
})

test('a leaf\'s {{= … }} reads workflow parameters and workflow.creationTimestamp (the run\'s start, as the plain tag gives it)', async () => {
  const doc = wf({
    entrypoint: 'e',
    arguments: { parameters: [{ name: 'b64', value: 'aGVsbG8=' }] },
    templates: [echo('e', 'echo "{{=sprig.b64dec(workflow.parameters.b64)}} {{workflow.creationTimestamp}} {{=workflow.creationTimestamp}} {{=sprig.date(\'2006\', workflow.creationTimestamp)}}"')],
  })
  const r = await run(doc)
  assert.is(r.status, 'Succeeded', r.message)
  const [word, tag, expr, year] = String(printed(r.steps()[0]!)).split(' ')
  assert.is(word, 'hello')
  assert.is(tag, r.record.startedAt.replace(/\.\d+Z$/, 'Z'))
  assert.is(expr, tag)
  assert.is(year, String(new Date().getFullYear()))
})

test('a leaf\'s {{= … }} that fails when evaluated fails the call with the expression\'s message, one that is not a string is JSON; one reading an unknown input names the field', async () => {
  const bad = await run(wf({ entrypoint: 'e', templates: [echo('e', 'echo {{=sprig.b64dec("not base64!")}}')] }))
  assert.is(bad.status, 'Failed')
  assert.match(bad.steps()[0]!.message ?? '', /sprig\.b64dec: "not base64!" is not padded standard base64/)
  // Argo (v3.6 and later) writes a tag's value that is not a string as JSON: a whole number alike from an int64 or a float64, a list with its strings quoted
  const big = await run(wf({ entrypoint: 'e', templates: [echo('e', "printf '%s|%s' {{=sprig.mul(1000, 1000)}} '{{=split(\"a b\", \" \")}}'")] }))
  assert.is(big.status, 'Succeeded', big.message)
  assert.is(printed(big.steps()[0]!), '1000000|["a","b"]')
  const unknown = wf({ entrypoint: 'e', templates: [echo('e', 'echo {{=sprig.upper(inputs.parameters.nope)}}')] })
  assert.match(problemsOf(unknown)[0]!, /^spec\.templates\.0\.container: \{\{=sprig\.upper\(inputs\.parameters\.nope\)\}\} reads \{\{inputs\.parameters\.nope\}\}: the template has no input parameter "nope"/)
  const pod = wf({ entrypoint: 'e', templates: [echo('e', 'echo {{=pod.name}}')] })
  assert.match(problemsOf(pod)[0]!, /reads pod\.name: an expression in a leaf's fields reads inputs\.parameters\.\*, workflow\.parameters\.\* and workflow\.creationTimestamp locally/)
})

test('an imported expression the DSL cannot say is refused by the Argo compiler, never printed wrong', () => {
  const doc = wf({ entrypoint: 'e', arguments: { parameters: [{ name: 'w', value: 'x' }] }, templates: [echo('e', 'echo {{=sprig.upper(workflow.parameters.w)}}')] })
  const { workflow } = importWorkflow(doc)
  assert.throws(() => compile(workflow), (e: Error & { problems?: { message: string }[] }) => /was imported from Argo and is evaluated by the importer: it does not compile back to Argo/.test(e.problems?.map((p) => p.message).join('\n') ?? e.message))
})

test.run()
