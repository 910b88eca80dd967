import { readFileSync } from 'node:fs'
import { DflowError, problem } from 'dflow-ts'
import { importWorkflow, type Imported } from '../argo/import/index.ts'


const read = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw new DflowError([problem([what, file], `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)])
  }
}

/**
 * Imports an Argo workflow file for `dflow run`, with the files of the templates, ConfigMaps and Secrets it
 * references; problems name the file and the path in it.
 *
 * @example
 * ```ts
 * const { workflow, warnings } = loadArgoFile('hello-world.yaml', { templates: ['templates.yaml'] })
 * ```
 */
export const loadArgoFile = (
  file: string,
  files: { readonly templates?: readonly string[]; readonly configmaps?: readonly string[]; readonly secrets?: readonly string[]; readonly timeScale?: number; readonly parameters?: Readonly<Record<string, string>> },
): Imported => {
  const opts = {
    templates: (files.templates ?? []).map((f) => read(f, '--template')),
    configmaps: (files.configmaps ?? []).map((f) => read(f, '--configmap')),
    secrets: (files.secrets ?? []).map((f) => read(f, '--secret')),
    ...(files.timeScale !== undefined ? { timeScale: files.timeScale } : {}),
    ...(files.parameters ? { parameters: files.parameters } : {}),
  }
  try {
    return importWorkflow(read(file, 'workflow'), opts)
  } catch (e) {
    if (e instanceof DflowError) throw new DflowError(e.problems.map((p) => ({ ...p, path: [file, ...p.path] })))
    throw e
  }
}
