import { DflowError, problem } from '../problem.ts'
import type { ArtifactRef, OutputPath, ParamRef } from '../refs.ts'

/**
 * A literal value in a hole: reaches the script as an environment variable, never as code.
 *
 * @example
 * ```ts
 * const l: Literal = 'hello'
 * ```
 */
export type Literal = string | number | boolean

/**
 * Code inserted verbatim into the script: `sh.unsafeRaw('ls -l')`. It bypasses every protection of
 * the template; use it only for text you wrote yourself.
 *
 * @example
 * ```ts
 * const r: Raw = sh.unsafeRaw('ls -l')  // { _tag: 'Raw', text: 'ls -l' }
 * ```
 */
export interface Raw {
  readonly _tag: 'Raw'
  readonly text: string
}

/**
 * A value known only at run time that every interpreter provides: the workflow's run name
 * (`{{workflow.name}}` on Argo) or the step's node name (`{{pod.name}}`).
 *
 * @example
 * ```ts
 * sh`echo running in ${ctx.workflowName}`
 * ```
 */
export interface ContextVar {
  readonly _tag: 'ContextVar'
  readonly name: 'workflow.name' | 'step.name'
}

/** Context variables for holes. @example sh`echo ${ctx.workflowName}` */
export const ctx = Object.freeze({
  workflowName: Object.freeze({ _tag: 'ContextVar', name: 'workflow.name' }) as ContextVar,
  stepName: Object.freeze({ _tag: 'ContextVar', name: 'step.name' }) as ContextVar,
})

/**
 * One scalar value a hole can take.
 *
 * @example
 * ```ts
 * const s: Scalar = 42
 * ```
 */
export type Scalar = Literal | ParamRef<any> | ArtifactRef | OutputPath | ContextVar

/**
 * Everything a hole may hold: a scalar, a list of scalars (one word each), or raw code.
 *
 * @example
 * ```ts
 * const v: HoleValue = ['a', 1, true]
 * ```
 */
export type HoleValue = Scalar | readonly Scalar[] | Raw

/**
 * Where a hole stands in the script, which decides how it is rendered: `word` (unquoted shell text, rendered
 * `"${V}"`), `dquote` (inside double quotes or an unquoted heredoc, rendered `${V}`), `arith` (inside
 * `$((…))`, rendered `${V}` and checked to be an integer before the script runs), `code` (Python).
 *
 * @example
 * ```ts
 * shRenderer.ref('DFLOW_msg', 'word', false) // '"${DFLOW_msg}"'
 * ```
 */
export type HoleContext = 'word' | 'dquote' | 'arith' | 'code'

/** The language a script is written in. @example sh`…`.lang // 'sh' */
export type Lang = 'sh' | 'python'

/**
 * A piece of a script: literal text, or a hole with its context.
 *
 * @example
 * ```ts
 * const s: Segment = { _tag: 'Text', text: 'echo hi\n' }
 * ```
 */
export type Segment =
  | { readonly _tag: 'Text'; readonly text: string }
  | { readonly _tag: 'Hole'; readonly value: HoleValue; readonly context: HoleContext }

/**
 * A script as a list of segments (text and holes), built by `` sh`…` `` or `` py`…` ``. Holes are never
 * pasted into the text: each becomes an environment variable bound by the interpreter.
 *
 * @example
 * ```ts
 * sh`echo ${'a b'}`.segments // [{ _tag: 'Text', text: 'echo ' }, { _tag: 'Hole', value: 'a b', context: 'word' }]
 * ```
 */
export interface Script {
  readonly _tag: 'Script'
  readonly lang: Lang
  readonly segments: readonly Segment[]
}

/**
 * The text of one literal piece of a template as the script sees it: taken raw, exactly as typed (`\n` stays
 * a backslash and an `n`), except for the two escapes JavaScript forces inside a template literal, which
 * would otherwise be unwritable: `` \` `` is a backtick and `\${` is `${` (script text, not a hole).
 *
 * @example
 * ```ts
 * templateText(String.raw`echo \`date\` \${HOME} \n`) // 'echo `date` ${HOME} \\n'
 * ```
 */
export const templateText = (raw: string): string =>
  raw.replace(/\\([\s\S])/g, (pair: string, c: string, at: number, all: string) => (c === '`' || (c === '$' && all[at + 2] === '{') ? c : pair))

const SCALAR_TAGS: readonly string[] = ['ParamRef', 'ArtifactRef', 'OutputPath', 'ContextVar']

const isScalar = (v: unknown): boolean =>
  ['string', 'number', 'boolean'].includes(typeof v) ||
  (typeof v === 'object' && v !== null && SCALAR_TAGS.includes((v as { _tag?: string })._tag ?? ''))

/**
 * Throws a DflowError when a hole holds something a script cannot take (`undefined`, `null`, a plain object,
 * a list holding one of those): TypeScript rejects these, JavaScript callers get the error here, where the
 * script is built, rather than a crash or the text "undefined" when it runs.
 *
 * @example
 * ```ts
 * checkHoleValue('sh', 0, 'ok') // fine
 * checkHoleValue('sh', 0, undefined as never) // throws: hole 0 holds undefined, which is not a script value
 * ```
 */
export const checkHoleValue = (lang: Lang, index: number, v: HoleValue): void => {
  const ok = isScalar(v) || (Array.isArray(v) && v.every(isScalar)) || (typeof v === 'object' && v !== null && (v as Raw)._tag === 'Raw')
  if (!ok)
    throw new DflowError([
      problem([lang === 'python' ? 'py' : lang, `hole ${index}`], `the hole holds ${v === undefined ? 'undefined' : JSON.stringify(v)}, which is not a script value`, 'pass a string, number, boolean, reference or context variable, a list of those, or unsafeRaw code'),
    ])
}

/**
 * An environment variable the interpreter must set for a rendered script, and where its value comes from.
 *
 * @example
 * ```ts
 * const b: EnvBinding = { name: 'DFLOW_1', value: 'hello' }
 * ```
 */
export interface EnvBinding {
  readonly name: string
  readonly value: Scalar
}

/**
 * A script rendered to text: the text and the environment it expects.
 *
 * @example
 * ```ts
 * const r: RenderedScript = render(sh`echo ${'hi'}`)
 * r.text  // the script text
 * r.env   // the variables it reads
 * ```
 */
export interface RenderedScript {
  readonly text: string
  readonly env: readonly EnvBinding[]
}

const sanitize = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_')

/**
 * The environment variable name of a scalar hole. Deterministic: the same reference always gets the same
 * name, so a manifest compiled twice is identical. Literals are numbered by hole position.
 *
 * @example
 * ```ts
 * envNameOf(inputs.msg, 'dflow_lit_0') // 'dflow_in_msg'
 * ```
 */
export const envNameOf = (v: Scalar, literalName: string): string => {
  if (typeof v !== 'object') return literalName
  switch (v._tag) {
    case 'ParamRef':
      return v.source.kind === 'workflow' ? `dflow_wf_${sanitize(v.name)}` : `dflow_in_${sanitize(v.name)}`
    case 'ArtifactRef':
      return `dflow_art_${sanitize(v.name)}`
    case 'OutputPath':
      return `dflow_out_${sanitize(v.name)}`
    case 'ContextVar':
      return `dflow_${sanitize(v.name)}`
  }
}

const isRaw = (v: HoleValue): v is Raw => typeof v === 'object' && !Array.isArray(v) && (v as Raw)._tag === 'Raw'

/**
 * The environment variable that, when set, names a file holding the value of variable `name` instead:
 * how a value too large for the environment (Linux takes at most 128 KiB in one variable) reaches a script.
 *
 * @example
 * ```ts
 * fileVarOf('dflow_in_msg') // 'dflow_file_in_msg'
 * ```
 */
export const fileVarOf = (name: string): string => `dflow_file_${name.replace(/^dflow_/, '')}`

/** How a language renders a reference to an environment variable in a given hole context. @example shRenderer.ref('DFLOW_n', 'arith', false) // '${DFLOW_n}' */
export interface LangRenderer {
  /** A reference to variable `name`; `fromFile`: its value may be in the file {@link fileVarOf} names. */
  readonly ref: (name: string, context: HoleContext, fromFile: boolean) => string
  readonly list: (refs: readonly string[], context: HoleContext, fromFile: readonly boolean[]) => string
  /** Lines that check arithmetic holes before the script body runs (shell only). */
  readonly guard: (arithVars: readonly { readonly name: string; readonly label: string }[]) => string
  /** Lines, first in the script, that read each variable from its file when {@link fileVarOf} is set (shell only). */
  readonly fromFiles: (names: readonly string[]) => string
}

/** Options of `renderScript`. @example const o: RenderOptions = { fromFile: () => true } */
export interface RenderOptions {
  /**
   * Which holes may have their value in a file rather than inline (the interpreter then sets the variable
   * {@link fileVarOf} instead): locally, every parameter and string (any value may be large); on Argo, big
   * parameters. Default: none.
   */
  readonly fromFile?: (v: Scalar) => boolean
}

const labelOf = (v: Scalar): string =>
  typeof v !== 'object' ? 'a literal' : v._tag === 'ParamRef' || v._tag === 'ArtifactRef' ? `input ${v.name}` : v._tag === 'OutputPath' ? `output ${v.name}` : v.name

/**
 * Renders a script to text plus its environment bindings; the same function serves every interpreter.
 *
 * @example
 * ```ts
 * renderScript(sh`echo ${'hi'}`, shRenderer) // { text: 'echo "${dflow_lit_0}"', env: [{ name: 'dflow_lit_0', value: 'hi' }] }
 * ```
 */
export const renderScript = (script: Script, renderer: LangRenderer, options: RenderOptions = {}): RenderedScript => {
  const fromFile = options.fromFile ?? (() => false)
  const env = new Map<string, Scalar>()
  const arith = new Map<string, string>()
  let text = ''
  let holeIndex = 0
  const bind = (v: Scalar, literalName: string): string => {
    const name = envNameOf(v, literalName)
    env.set(name, v)
    return name
  }
  for (const seg of script.segments) {
    if (seg._tag === 'Text') {
      text += seg.text
      continue
    }
    const i = holeIndex++
    const v = seg.value
    if (isRaw(v)) text += v.text
    else {
      const scalars: readonly Scalar[] = Array.isArray(v) ? v : [v as Scalar]
      const names = scalars.map((x, j) => bind(x, Array.isArray(v) ? `dflow_lit_${i}_${j}` : `dflow_lit_${i}`))
      if (seg.context === 'arith') names.forEach((name, j) => arith.set(name, labelOf(scalars[j]!)))
      const files = scalars.map(fromFile)
      text += Array.isArray(v) ? renderer.list(names, seg.context, files) : renderer.ref(names[0]!, seg.context, files[0]!)
    }
  }
  const guard = renderer.guard([...arith].map(([name, label]) => ({ name, label })))
  const preamble = renderer.fromFiles([...env].filter(([, value]) => fromFile(value)).map(([name]) => name))
  return {
    text: preamble + guard + text,
    env: [...env].map(([name, value]) => ({ name, value })),
  }
}

/**
 * Every distinct scalar used in a script's holes (for validation and dependency analysis).
 *
 * @example
 * ```ts
 * scalarsOf(sh`echo ${'hi'}`)  // ['hi']
 * ```
 */
export const scalarsOf = (script: Script): readonly Scalar[] =>
  script.segments.flatMap((s) => (s._tag === 'Text' || isRaw(s.value) ? [] : Array.isArray(s.value) ? s.value : [s.value as Scalar]))
