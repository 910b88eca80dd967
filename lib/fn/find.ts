import { regroupedFn, templatesOf, type FnTemplate } from 'dflow-ts'

const isFn = (v: unknown, name: string): v is FnTemplate =>
  typeof v === 'object' && v !== null && (v as FnTemplate)._tag === 'FnTemplate' && (v as FnTemplate).name === name

/**
 * Finds a function OP by name among a module's exports: an exported OP, or one used by an exported
 * workflow or template (so the OP itself need not be exported); or the template a grouped slice made of an
 * OP (`NAME-slices`), rebuilt from the OP and the call's `slicing` input (see `regroupedFn`).
 *
 * @example
 * ```ts
 * findFn(await import(moduleUrl), 'duplicate') // the FnTemplate named "duplicate", or undefined
 * ```
 */
export const findFn = (exports: Readonly<Record<string, unknown>>, name: string, slicing?: string): FnTemplate | undefined => {
  const regrouped = regroupedFn(name, slicing, (n) => findFn(exports, n))
  if (regrouped) return regrouped
  for (const v of Object.values(exports)) if (isFn(v, name)) return v
  for (const v of Object.values(exports)) {
    const tag = typeof v === 'object' && v !== null ? (v as { _tag?: string })._tag : undefined
    const body = tag === 'Workflow' || tag === 'Subflow' ? (v as { body: Parameters<typeof templatesOf>[0] }).body : undefined
    const found = body && templatesOf(body).find((x) => isFn(x, name))
    if (found) return found as FnTemplate
  }
  return undefined
}
