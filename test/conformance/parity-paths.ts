import { callsOf, rootsOf, stepsIn, templatesOf, type Node, type Template, type Workflow } from 'dflow-ts'
import type { ArgoWorkflow } from 'dflow-ts/argo'
import { loopsIn } from '../../dsl/control/loop-template.ts'

/**
 * The user-visible path of a step of a compiled-then-imported run, as the local interpreter names the same
 * step; `undefined` for a level the compiler generated (not compared). Written once, for the parity suite.
 *
 * The imported run is named as Argo names nodes: the root is the workflow's name `W` (the entrypoint), the
 * exit handler `onExit` (the importer's call of `spec.onExit` inside the engine's `onExit` level), and every
 * step below by the names in the manifest. The mapping:
 *
 * 1. The root. When the workflow is one call the compiler made the entrypoint (lib/argo/compile.ts
 *    `asEntrypoint`: the entry template is the called template itself), `W` is that step: `W.x` → `S.x`.
 *    Otherwise the entry template is generated around the body and the local run has no such level: `W` is
 *    dropped, `W.x` → `x`. The same for `spec.onExit`: `onExit.onExit.x` → `onExit.S.x`, or `onExit.x`.
 * 2. Below it, a name the DSL never writes is a level the compiler generated: the fragments of a body that
 *    Argo cannot express in one template (`seq-1`, `par-2`, `dag-3`, `when-4`: lib/argo/body.ts
 *    `fragmentCall`), the threshold's `success-check` (lib/argo/threshold.ts), fan-in and slice wrappers.
 *    Their names come from a per-scope allocator that skips the user's step names (body.ts `freshCall`), so
 *    "a segment that is no step, forEach or exit-handler name of the workflow" is exactly "generated". Such a
 *    segment is dropped from the path (the steps inside keep theirs); a record whose own name is generated is
 *    not compared (`undefined`).
 *
 * Loop items keep their index on both sides (`B(0)`, `outer(1).s(2)`), and so do a retried root's attempts
 * (`W(1).x` → `S(1).x`); lifecycle hooks are named alike (`S.hooks.NAME`, the workflow's `hooks.NAME`).
 *
 * @example
 * ```ts
 * const { manifest, templates } = compileWithTemplates(wf)
 * const localId = argoPathToLocal(wf, manifest, templates)
 * localId('dag-diamond.A')            // 'diamond.A'      (dag-diamond's body is one call of diamond)
 * localId('success-ratio.success-check') // undefined     (generated)
 * ```
 */
export const argoPathToLocal = (wf: Workflow<any>, manifest: ArgoWorkflow, templates: ReadonlyMap<string, Template>): ((id: string) => string | undefined) => {
  const roots: readonly Node[] = rootsOf(wf)
  const bodies = [...roots, ...[...new Set(roots.flatMap(templatesOf))].flatMap((t) => (t._tag === 'Subflow' ? [t.body] : []))]
  const steps = bodies.flatMap(stepsIn).flatMap(callsOf)
  // a step's lifecycle hooks are STEP.hooks.NAME on both sides (the engine names them)
  const userNames = new Set(['onExit', 'hooks', ...steps.flatMap((s) => [s.name, ...(s.hooks ?? []).map((h) => h.name)]), ...bodies.flatMap(loopsIn).map((l) => l.name)])
  /**
   * The local name of the call a root of the manifest runs, when that template is the call's own — the same
   * template, or the compiler's rewrite of it under its name (a subflow with sliced artifacts gains its slice
   * init step: lib/argo/slice-init.ts).
   */
  const calledAs = (root: Node | undefined, entry: string | undefined): string | undefined =>
    root?._tag === 'Step' && entry !== undefined && (templates.get(entry) === root.template || entry === root.template.name) ? root.name : undefined
  const body = calledAs(wf.body, manifest.spec.entrypoint)
  const exit = calledAs(wf.onExit, manifest.spec.onExit)
  const segment = (s: string) => s.replace(/\(\d+\)$/, '')
  // the root retried (a retried sub-workflow the compiler made the entrypoint): its attempts W(n) are S(n)
  const attemptOfRoot = new RegExp(`^${wf.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\(\\d+\\))$`)
  return (id) => {
    if (id === 'onExit') return id
    const parts = id.split('.')
    // the workflow's lifecycle hooks: hooks.NAME on both sides (the engine's own level)
    if (parts[0] === 'hooks') return id
    let head: string[]
    let rest: string[]
    const attempt = attemptOfRoot.exec(parts[0]!)
    if (parts[0] === 'onExit' && parts[1] === 'onExit') [head, rest] = [['onExit', ...(exit ? [exit] : [])], parts.slice(2)]
    else if (attempt && body) [head, rest] = [[`${body}${attempt[1]}`], parts.slice(1)]
    else if (parts[0] === wf.name) [head, rest] = [body ? [body] : [], parts.slice(1)]
    else return undefined // the engine's own `onExit` level, or not a step of this workflow
    if (parts[0] === 'onExit' && parts.length === 2 && !exit) return undefined
    if (parts[0] === wf.name && parts.length === 1 && !body) return undefined
    if (rest.length && !userNames.has(segment(rest[rest.length - 1]!))) return undefined
    const path = [...head, ...rest.filter((s) => userNames.has(segment(s)))]
    return path.length ? path.join('.') : undefined
  }
}
