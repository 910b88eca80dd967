import { problem, type Problem } from 'dflow-ts'
import { compact } from './io.ts'
import { KEY_PARAM } from './key.ts'
import type { ArgoParameter, ArgoTemplate } from './manifest.ts'

/**
 * Where memoized outputs live on the cluster, and how long an entry holds (compile option `memoize`).
 *
 * @example
 * ```ts
 * compile(wf, { memoize: { configMap: 'my-cache', maxAge: '24h' } })
 * ```
 */
export interface MemoizeOptions {
  /** The ConfigMap Argo keeps entries in (it must carry the label `workflows.argoproj.io/configmap-type: Cache`, which Argo sets on one it creates). Default `dflow-cache`. */
  readonly configMap?: string
  /** How old an entry may be and still be used (`180s`, `24h`). Default `720h` (30 days, Argo's own default). */
  readonly maxAge?: string
}

/** The memoize defaults. @example MEMOIZE_DEFAULTS.configMap // 'dflow-cache' */
export const MEMOIZE_DEFAULTS = Object.freeze({ configMap: 'dflow-cache', maxAge: '720h' })

/** The output parameter a memoized template carries its own memo key in (so that a memoized consumer can name the artifacts it made). @example MEMO_OUTPUT // 'dflow-memo' */
export const MEMO_OUTPUT = 'dflow-memo'

/** The input parameter naming an input artifact by its key, in a memoized template's key. @example memoParam('foo') // 'dflow-memo-foo' */
export const memoParam = (artifact: string): string => `${MEMO_OUTPUT}-${artifact}`

/** A workflow parameter bound in an env entry. */
const WORKFLOW_PARAM = /\{\{workflow\.parameters\.([^{}]+)\}\}/g

/** A file no step writes: the memo output is its default (Argo takes `valueFrom.default` when the path is missing). */
const NO_FILE = '/tmp/dflow-memo-none'

/**
 * A leaf template memoized (Argo's `memoize`, for `cache: true`): its key is `dflow-<template digest>` — `digest`, the
 * one template digest the cache and restart use too (lib/run/template-digest.ts), cut to 32 hex — and, when it
 * has inputs, the sha256 of its input parameters' values, the workflow parameters its script reads and its input
 * artifacts' keys (an input artifact is named
 * by the hidden input {@link memoParam}, which each call passes: its contents cannot be hashed at compile time).
 * The step key (`dflow-key`) is not in it. The key matches Argo's rule for cache keys (`[a-zA-Z0-9][-a-zA-Z0-9]*`).
 * It also outputs its own key as {@link MEMO_OUTPUT}, so that a memoized step reading its artifacts can name them.
 *
 * @example
 * ```ts
 * withMemoize(t, templateDigest(gen, leafParts(gen)), {}).memoize // { key: 'dflow-3b1f…-{{=sprig.sha256sum(toJson([inputs.parameters[\'n\']]))}}', maxAge: '720h', cache: { configMap: { name: 'dflow-cache' } } }
 * ```
 */
export const withMemoize = (a: ArgoTemplate, digest: string, o: MemoizeOptions = {}): ArgoTemplate => {
  const artifacts = (a.inputs?.artifacts ?? []).map((x) => x.name)
  const params = [...(a.inputs?.parameters ?? []).map((p) => p.name).filter((n) => n !== KEY_PARAM), ...artifacts.map(memoParam)]
  // the workflow parameters its script reads (an env entry bound to one) are inputs too
  const wfParams = [...new Set((a.script?.env ?? []).flatMap((e) => [...String(e.value ?? '').matchAll(WORKFLOW_PARAM)].map((m) => m[1]!)))]
  const values = [...params.map((n) => `inputs.parameters['${n}']`), ...wfParams.map((n) => `workflow.parameters['${n}']`)].join(', ')
  const key = `dflow-${digest.replace(/^sha256:/, '').slice(0, 32)}${values ? `-{{=sprig.sha256sum(toJson([${values}]))}}` : ''}`
  const memoOut: ArgoParameter = { name: MEMO_OUTPUT, valueFrom: { path: NO_FILE, default: key } }
  return compact({
    ...a,
    inputs: compact({ ...(a.inputs ?? {}), parameters: [...(a.inputs?.parameters ?? []), ...artifacts.map((n) => ({ name: memoParam(n) }))] }),
    outputs: compact({ ...(a.outputs ?? {}), parameters: [...(a.outputs?.parameters ?? []), memoOut] }),
    memoize: { key, maxAge: o.maxAge ?? MEMOIZE_DEFAULTS.maxAge, cache: { configMap: { name: o.configMap ?? MEMOIZE_DEFAULTS.configMap } } },
  })
}

const FROM_STEP = /^\{\{(steps|tasks)\.([^.{}]+)\.outputs\.artifacts\.([^{}]+)\}\}$/

/**
 * The value a call passes as {@link memoParam} for an input artifact of a memoized template: a location fixed at
 * compile time by that location (as text), an output of a memoized step by that step's memo key and the
 * output's name; anything else cannot be named by key, and is a problem saying how to fix it.
 *
 * @example
 * ```ts
 * memoArgument('foo', { from: '{{steps.gen.outputs.artifacts.out}}' }, () => true, ['wf', 'use'])
 * // { value: '{{steps.gen.outputs.parameters.dflow-memo}}/out', problems: [] }
 * ```
 */
export const memoArgument = (
  name: string,
  arg: { readonly from?: string; readonly [location: string]: unknown },
  producerMemoized: (step: string) => boolean,
  path: readonly string[],
): { readonly value: string; readonly problems: readonly Problem[] } => {
  if (arg.from === undefined) {
    const { name: _n, ...where } = arg as Record<string, unknown>
    return { value: JSON.stringify(where), problems: [] }
  }
  const m = FROM_STEP.exec(arg.from)
  if (m && producerMemoized(m[2]!)) return { value: `{{${m[1]}.${m[2]}.outputs.parameters.${MEMO_OUTPUT}}}/${m[3]}`, problems: [] }
  return {
    value: '',
    problems: [
      problem(
        [...path, name],
        `on Argo a template with cache: true names its input artifacts by key, and artifact "${name}" (${arg.from}) has no key known before it runs`,
        'give the template that makes it cache: true as well (its memo key then names it), pass a location fixed at compile time, or leave cache out of this template',
      ),
    ],
  }
}
