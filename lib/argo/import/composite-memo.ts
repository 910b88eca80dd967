import { spawn } from 'node:child_process'
import { DflowError, problem, type Subflow } from 'dflow-ts'
import { packageFile } from '../../loader/package-files.ts'
import type { CompositePrior, CompositeQuery } from '../../engine/prior.ts'
import type { Outputs, Value } from '../../engine/values.ts'
import { fileLocation } from '../../storage/location.ts'
import { fail } from './fail.ts'
import type { Memoize } from './memoize.ts'
import { pieces } from './tags.ts'
import { hostPython } from './host-python.ts'

/** The program that keeps memoize caches (see its docstring): the leaf runner imports it, composite calls run it. @example MEMO_TOOL // '/…/lib/argo/import/argo-memo.py' */
export const MEMO_TOOL = packageFile('lib/argo/import/argo-memo.py')

/** The tags a steps or dag template's memoize key may hold: its inputs and the workflow's parameters. */
const KEY_TAG = /^(inputs|workflow)\.parameters\.([-\w]+)$/

/**
 * Checks a steps or dag template's memoize key at import: its tags are `{{inputs.parameters.NAME}}` of the
 * template's inputs and `{{workflow.parameters.NAME}}`, which each call substitutes (fibonacci's
 * `key: "{{inputs.parameters.num}}"`); anything else is refused, naming the field.
 *
 * @example
 * ```ts
 * checkCompositeKey('fib-{{inputs.parameters.num}}', ['num'], ['spec', 'templates', '1', 'memoize', 'key']) // passes
 * ```
 */
export const checkCompositeKey = (key: string, inputs: readonly string[], path: readonly string[]): void => {
  for (const p of pieces(key)) {
    if (p._tag === 'Text') continue
    const m = p._tag === 'Tag' ? KEY_TAG.exec(p.name) : null
    if (!m || (m[1] === 'inputs' && !inputs.includes(m[2]!)))
      fail(path, `the tag ${p._tag === 'ExprTag' ? `{{=${p.source}}}` : `{{${p._tag === 'Tag' ? p.name : ''}}}`} is not supported locally in a steps or dag template's memoize key`, "key it by the template's input parameters ({{inputs.parameters.NAME}}) and the workflow's ({{workflow.parameters.NAME}})")
  }
}

/** Runs the memoize tool with one request; its JSON answer. */
const ask = (request: object): Promise<{ outputs: { parameters?: { name: string; value?: string }[]; artifacts?: { name: string; local: string }[] } | null }> =>
  new Promise((done, failed) => {
    const p = spawn(hostPython() ?? 'python3', [MEMO_TOOL], { stdio: ['pipe', 'pipe', 'pipe'] }) // the real one: a pyenv shim costs ~90 ms a lookup
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('error', failed)
    p.on('close', (code) => (code === 0 ? done(JSON.parse(out)) : failed(new Error(err.trim() || `the memoize tool exited with ${code}`))))
    p.stdin.end(JSON.stringify(request))
  })

/** A call's memoize key: the template's key with its tags substituted from the call. */
const keyOf = (m: Memoize, q: CompositeQuery): string =>
  pieces(m.key)
    .map((p) => {
      if (p._tag === 'Text') return p.text
      const [, scope, name] = KEY_TAG.exec(p._tag === 'Tag' ? p.name : '')!
      const v = (scope === 'inputs' ? q.inputs : q.parameters)[name!]
      return v?.kind === 'param' ? v.wire : ''
    })
    .join('')

/**
 * Argo's memoize on steps and dag templates, as a composite prior for the engine: a call whose key (its tags
 * substituted) has an entry younger than maxAge in the template's ConfigMap file is served its outputs —
 * parameters by value, artifacts from the artifact repository — and none of its steps runs; a call that
 * succeeds stores its outputs. The ConfigMap format and the artifacts' keys are argo-memo.py's, the one place
 * they are written (the leaf runner uses the same). `memos`: the memoized templates, as the importer built them.
 *
 * @example
 * ```ts
 * const composite = compositeMemo(memos, '/home/me/.cache/dflow-ts/argo-artifacts')
 * await local().run(workflow, { composite })
 * ```
 */
export const compositeMemo = (memos: ReadonlyMap<Subflow, Memoize>, repository: string): CompositePrior => {
  const request = (m: Memoize, q: CompositeQuery, op: 'hit' | 'save') => ({ op, memo: { file: m.file, configMap: m.configMap, maxAge: m.maxAge }, key: keyOf(m, q), repository })
  return {
    settle: async (q) => {
      const m = memos.get(q.template)
      if (!m) return undefined
      const { outputs } = await ask(request(m, q, 'hit'))
      if (!outputs) return undefined
      const served: Record<string, Value> = {}
      for (const [name, spec] of Object.entries(q.template.outputs)) {
        if (spec._tag === 'Artifact') {
          const a = outputs.artifacts?.find((x) => x.name === name)
          if (a) served[name] = { kind: 'artifact', at: fileLocation(a.local) }
        } else {
          const p = outputs.parameters?.find((x) => x.name === name)
          if (p) served[name] = { kind: 'param', wire: p.value ?? '' }
        }
        // an entry without one of the outputs (the template changed): a miss, and the call runs
        if (!(name in served)) return undefined
      }
      return served
    },
    save: async (q, outputs: Outputs) => {
      const m = memos.get(q.template)
      if (!m) return
      const parameters = Object.entries(outputs).flatMap(([name, v]) => (v.kind === 'param' ? [{ name, value: v.wire }] : []))
      const artifacts = Object.entries(outputs).flatMap(([name, v]) => {
        if (v.kind !== 'artifact' || v.at === null) return []
        if (v.at.path === undefined) throw new DflowError([problem([q.stepId, 'outputs', name], `the output artifact ${name} is not in a folder of this machine (${v.at.store}), and a memoize entry keeps its copy in the artifact repository`)])
        return [{ name, path: v.at.path }]
      })
      await ask({ ...request(m, q, 'save'), parameters, artifacts })
    },
  }
}
