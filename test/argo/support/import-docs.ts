import { DflowError } from 'dflow-ts'
import { importWorkflow } from 'dflow-ts/argo'

/** Import options, as importWorkflow takes them. */
export type ImportTestOptions = Parameters<typeof importWorkflow>[1]

/** An Argo Workflow document around a spec. @example wf({ entrypoint: 'e', templates: [echo('e', 'echo hi')] }) */
export const wf = (spec: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'imp-' }, spec })

/** A container template running `sh -c TEXT` on busybox. @example echo('say', 'echo hi') */
export const echo = (name: string, text: string, extra: Record<string, unknown> = {}) => ({ name, container: { image: 'busybox', command: ['sh', '-c'], args: [text] }, ...extra })

/** The problems an import reports, as `path: message` (none when it imports). @example problemsOf(doc) // ['spec.templates.0.daemon: …'] */
export const problemsOf = (doc: unknown, options: ImportTestOptions = {}): string[] => {
  try {
    importWorkflow(doc, options)
  } catch (e) {
    if (e instanceof DflowError) return e.problems.map((p) => `${p.path.join('.')}: ${p.message}`)
    throw e
  }
  return []
}
