import YAML from 'yaml'
import { problem, type Problem } from 'dflow-ts'

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

const parseAll = (text: string) => YAML.parseAllDocuments(text, { uniqueKeys: false })

/**
 * Reads every document of a YAML file as Argo's own reader (Go's sigs.k8s.io/yaml) would: a duplicate key
 * keeps its last value, and a closing `"]` of a multi-line flow sequence that is not indented past its key
 * (which strict YAML 1.2 rejects and Go accepts) is indented and read again. Empty documents are dropped.
 *
 * @example
 * ```ts
 * parseYaml('kind: Workflow\n---\nkind: ConfigMap\n') // { ok: true, documents: [{ kind: 'Workflow' }, { kind: 'ConfigMap' }] }
 * ```
 */
export const parseYaml = (text: string): ParsedYaml => {
  let docs = parseAll(text)
  if (docs.some((d) => d.errors.length)) {
    const redo = parseAll(text.replace(/^( *)(["']\])[ \t]*$/gm, '$1    $2'))
    if (redo.some((d) => d.errors.length))
      return { ok: false, problems: docs.flatMap((d) => d.errors).map((e) => problem([`line ${e.linePos?.[0]?.line ?? '?'}`], `YAML: ${e.message.split('\n')[0]}`)) }
    docs = redo
  }
  return { ok: true, documents: docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined) }
}
