import YAML from 'yaml'
import { problem, type Problem } from 'dflow-ts'
import { fastDocuments } from './yaml-fast.ts'

/**
 * Prints a manifest as YAML, the same way every time: keys in the order the compiler built them, no line
 * folding, scripts as literal blocks (`|`) so that they read as they run.
 *
 * @example
 * ```ts
 * toYaml(compile(wf)) // 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n…'
 * ```
 */
export const toYaml = (manifest: unknown): string => YAML.stringify(manifest, { lineWidth: 0, blockQuote: 'literal', aliasDuplicateObjects: false })

/** The documents of a YAML file, or the problems that kept it from being read. @example const r: ParsedYaml = parseYaml(text) */
export type ParsedYaml = { readonly ok: true; readonly documents: readonly unknown[] } | { readonly ok: false; readonly problems: readonly Problem[] }

const parseAll = (text: string, lineCounter?: YAML.LineCounter) => YAML.parseAllDocuments(text, { uniqueKeys: false, ...(lineCounter ? { lineCounter } : {}) })

/**
 * Reads every document of a YAML file as Argo's own reader (Go's sigs.k8s.io/yaml) would: a duplicate key
 * keeps its last value; a key that is null or a collection is refused, as Go's converter to JSON refuses it
 * ("unsupported map key"); a closing `"]` of a multi-line flow sequence that is not indented past its key
 * (which strict YAML 1.2 rejects and Go accepts) is indented and read again. Empty documents are dropped. The
 * text is read by js-yaml (`fastDocuments`: the `yaml` library's values, six times faster) unless a
 * key may be one Go refuses (`mayHaveOddKeys`); the `yaml` library reads the rest, and names the line of
 * each problem.
 *
 * @example
 * ```ts
 * parseYaml('kind: Workflow\n---\nkind: ConfigMap\n') // { ok: true, documents: [{ kind: 'Workflow' }, { kind: 'ConfigMap' }] }
 * parseYaml('~: x\n') // { ok: false, problems: [{ path: ['line 1'], message: 'YAML: a key must be a string, a number or a boolean …' }] }
 * ```
 */
export const parseYaml = (text: string): ParsedYaml => {
  const fast = mayHaveOddKeys(text) ? undefined : fastDocuments(text)
  return fast ? { ok: true, documents: fast.filter((d) => d !== null && d !== undefined) } : parseYamlByReference(text)
}

/**
 * Whether a text may have a key that is null (`~:`, `null:`, an empty key), a collection (`[a, b]: c`, `? …`) or
 * an alias: js-yaml turns each into a string without a word, where Go's reader refuses it. Leans to yes (a `: `
 * at a line's start in a script, a `}: ` in a string): the text is then only read the slower way.
 *
 * @example
 * ```ts
 * mayHaveOddKeys('a: 1\n') // false
 * mayHaveOddKeys('? [a, b]\n: c\n') // true
 * ```
 */
export const mayHaveOddKeys = (text: string): boolean => ODD_KEY.test(text)

const ODD_KEY = /(?:^[ \t]*(?:-[ \t]+)*|[{,][ \t]*)(?:\?(?:[ \t]|$)|(?:~|null|Null|NULL)?[ \t]*:(?:[ \t]|$)|\*[^\s,[\]{}]+[ \t]*:(?:[ \t]|$))|[\]}][ \t]*:(?:[ \t]|$)|!!(?:null|seq|map|set|omap|pairs)\b/m

/**
 * {@link parseYaml}'s reading by the `yaml` library alone: the reference the quick reader is held to, and the
 * reader of what it does not take (with the line of each problem).
 *
 * @example
 * ```ts
 * parseYamlByReference('a: [1\n') // { ok: false, problems: [{ path: ['line 1'], message: 'YAML: …' }] }
 * ```
 */
export const parseYamlByReference = (text: string): ParsedYaml => {
  let lines = new YAML.LineCounter()
  let docs = parseAll(text, lines)
  if (docs.some((d) => d.errors.length)) {
    const redoLines = new YAML.LineCounter()
    const redo = parseAll(text.replace(/^( *)(["']\])[ \t]*$/gm, '$1    $2'), redoLines)
    if (redo.some((d) => d.errors.length))
      return { ok: false, problems: docs.flatMap((d) => d.errors).map((e) => problem([`line ${e.linePos?.[0]?.line ?? '?'}`], `YAML: ${e.message.split('\n')[0]}`)) }
    docs = redo
    lines = redoLines
  }
  const odd = docs.flatMap((d) => oddKeys(d, lines))
  if (odd.length) return { ok: false, problems: odd }
  return { ok: true, documents: docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined) }
}

/** The keys of a document that Go's reader refuses (null, a collection), each a problem at its line. */
const oddKeys = (doc: YAML.Document.Parsed, lines: YAML.LineCounter): Problem[] => {
  const out: Problem[] = []
  YAML.visit(doc, {
    Pair: (_, pair, path) => {
      const key = pair.key as YAML.Node | null
      const value = YAML.isAlias(key) ? key.resolve(doc) : key
      const isNull = value === null || value === undefined || (YAML.isScalar(value) && value.value === null)
      if (!isNull && !YAML.isCollection(value)) return
      const at = key?.range?.[0] ?? (path[path.length - 1] as YAML.Node | undefined)?.range?.[0] ?? 0
      out.push(problem([`line ${lines.linePos(at).line}`], `YAML: a key must be a string, a number or a boolean, not ${isNull ? 'null' : 'a collection'} (Argo's reader refuses it too): quote it or write it as a plain word`))
    },
  })
  return out
}
