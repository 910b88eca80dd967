import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DflowError, problem, type Workflow } from 'dflow-ts'

const isWorkflow = (v: unknown): v is Workflow => typeof v === 'object' && v !== null && (v as Workflow)._tag === 'Workflow'

/**
 * Loads a workflow from a TypeScript (or JavaScript) file: its default export, or the named export given,
 * or its only exported workflow.
 *
 * @example
 * ```ts
 * const wf = await loadWorkflow('examples/steps.ts')
 * ```
 */
export const loadWorkflow = async (file: string, exportName?: string): Promise<Workflow> => {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>
  if (exportName !== undefined) {
    const v = mod[exportName]
    if (!isWorkflow(v)) throw new DflowError([problem([file, exportName], `export "${exportName}" is not a workflow`, `exports: ${Object.keys(mod).join(', ')}`)])
    return v
  }
  if (isWorkflow(mod.default)) return mod.default
  const found = Object.entries(mod).filter(([, v]) => isWorkflow(v))
  if (found.length === 1) return found[0]![1] as Workflow
  throw new DflowError([
    found.length
      ? problem([file], `several workflows are exported (${found.map(([k]) => k).join(', ')})`, 'choose one with --export NAME')
      : problem([file], 'no default export that is a workflow', 'end the file with: export default workflow(…)'),
  ])
}
