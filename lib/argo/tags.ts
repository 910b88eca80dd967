import { problem, type Problem } from 'dflow-ts'

/**
 * Argo substitutes `{{…}}` anywhere in a template (script text and environment values included), so text
 * that is data, not a reference, must not contain `{{`: there is no escape for it. This returns the problem
 * to report for such text, or nothing.
 *
 * @example
 * ```ts
 * tagProblems('echo {{x}}', ['templates', 'a', 'script']) // [problem: literal "{{" would be read by Argo as a tag]
 * tagProblems('echo ${x}', ['templates', 'a', 'script'])  // []
 * ```
 */
export const tagProblems = (text: string, path: readonly string[]): Problem[] => {
  const at = text.indexOf('{{')
  if (at < 0) return []
  const around = text.slice(Math.max(0, at - 20), at + 22)
  return [
    problem(
      path,
      `literal "{{" would be read by Argo as a tag (near ${JSON.stringify(around)})`,
      'Argo has no escape for "{{": in sh build it at run time, e.g. "$(printf "{%s" "{")", or pass the text in an artifact',
    ),
  ]
}

/** The Argo expression that reads a parameter: `{{inputs.parameters.x}}`, `{{workflow.parameters.x}}`, … @example tag('inputs.parameters.x') // '{{inputs.parameters.x}}' */
export const tag = (expr: string): string => `{{${expr}}}`
