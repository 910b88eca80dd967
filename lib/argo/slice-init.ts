import { artifactList, isRef, param, sh, shell, step, stepsIn, t, templatesOf, type ArtifactRef, type Node, type ParamRef, type Step, type Subflow, type Template, type Workflow } from 'dflow-ts'

/*
 * Slices of list artifacts on Argo (dflow's `input_artifact`, `sub_path`). Argo cannot read a catalog, so —
 * as dflow's `NAME-init-artifact` util step does — a step before the slice reads each sliced artifact's
 * catalog and prints its parts' paths as a JSON list; the slice is then a zip over those lists (a `withParam`
 * expression, as for any list-valued reference), and each call's input is the artifact with `subPath:
 * '{{item.NAME}}'` (see `partArgument`), so that Argo fetches only that part (the artifact is unarchived:
 * validation checks its producer). A pure rewrite of the workflow before it compiles.
 */

/**
 * The template that reads a list artifact's catalog (dflow's init-artifact step): `parts`, the paths of its
 * items in order, a JSON list.
 *
 * @example
 * ```ts
 * step('hello-init-artifact', sliceParts, { list: prep.outputs.foo }).outputs.parts // ParamRef<string[]>
 * ```
 */
export const sliceParts = shell({
  name: 'dflow-slice-parts',
  image: 'node:20-alpine',
  inputs: { list: artifactList() },
  outputs: { parts: param(t.array(t.string), { path: 'parts.json' }) },
  // dflow's `.dflow/` catalog files unioned (as stacks and dflow write them), else a function OP list's `.dflow-paths.json`.
  script: ({ list }, out) => sh`node -e 'const fs=require("fs"),p=require("path"),d=process.argv[1],c=p.join(d,".dflow"),s=p.join(d,".dflow-paths.json");let items;if(fs.existsSync(c)){items=[];for(const f of fs.readdirSync(c).sort())items.push(...JSON.parse(fs.readFileSync(p.join(c,f),"utf8")).path_list)}else if(fs.existsSync(s)){items=JSON.parse(fs.readFileSync(s,"utf8")).map((x,i)=>({dflow_list_item:x,order:i}))}else{console.error("the artifact has no catalog (.dflow/): it is not a list artifact");process.exit(1)}const at=new Map();for(const i of items)if(i.dflow_list_item!==null)at.set(i.order,i.dflow_list_item);process.stdout.write(JSON.stringify([...at].sort((a,b)=>a[0]-b[0]).map((x)=>x[1])))' ${list} > ${out.parts}`,
})

const slicedArtifacts = (s: Step): [string, ArtifactRef][] =>
  s.forEach?._tag === 'Zip' ? Object.entries(s.forEach.lists).flatMap(([k, v]): [string, ArtifactRef][] => (isRef(v) && v._tag === 'ArtifactRef' ? [[k, v]] : [])) : []

/** The name of the step that reads a sliced artifact's catalog: dflow's `NAME-init-artifact` (`-K` for each of several). */
const initName = (s: Step, k: string, several: boolean): string => `${s.name}-init-artifact${several ? `-${k.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : ''}`

/**
 * The workflow with each slice of list artifacts preceded by the steps that read their catalogs, and sliced
 * over the lists they print; sub-workflows are rewritten once each (the same template stays one template).
 *
 * @example
 * ```ts
 * withSliceInits(workflow('w', seq(p, slice({ foo: p.outputs.foo }, (s) => step('hello', hello, { foo: s.foo })))))
 * // body: seq(p, step('hello-init-artifact', sliceParts, { list: p.outputs.foo }), hello sliced over its parts)
 * ```
 */
export const withSliceInits = (wf: Workflow): Workflow => {
  const done = new Map<Template, Template>()
  const template = (tp: Template): Template => {
    if (tp._tag !== 'Subflow') return tp
    let r = done.get(tp)
    if (r) return r
    // A recursive template reads itself as it is (a slice of artifacts inside recursion keeps the template's own calls).
    done.set(tp, tp)
    const body = node(tp.body)
    r = body === tp.body ? tp : (Object.freeze({ ...tp, body }) as Subflow)
    done.set(tp, r)
    return r
  }
  /** A node rewritten, as the nodes to put in its place (a sliced step: its init steps, then it). */
  const nodes = (n: Node): Node[] => {
    switch (n._tag) {
      case 'Step': {
        const tp = template(n.template)
        const s = tp === n.template ? n : (Object.freeze({ ...n, template: tp }) as Step)
        const arts = slicedArtifacts(s)
        if (!arts.length || s.forEach?._tag !== 'Zip') return [s]
        const inits = arts.map(([k, v]) => [k, step(initName(s, k, arts.length > 1), sliceParts, { list: v })] as const)
        const lists = { ...s.forEach.lists, ...Object.fromEntries(inits.map(([k, i]) => [k, i.outputs.parts as ParamRef<string[]>])) }
        // Several catalogs are read side by side.
        const readers: Node = inits.length === 1 ? inits[0]![1] : Object.freeze({ _tag: 'Par' as const, children: Object.freeze(inits.map(([, i]) => i as Node)) })
        return [readers, Object.freeze({ ...s, forEach: Object.freeze({ ...s.forEach, lists: Object.freeze(lists) }) }) as Step]
      }
      case 'Seq':
      case 'Dag': {
        const children = n.children.flatMap(nodes)
        return [children.length === n.children.length && children.every((c, i) => c === n.children[i]) ? n : Object.freeze({ ...n, children: Object.freeze(children) })]
      }
      case 'Par': {
        const children = n.children.map(node)
        return [children.every((c, i) => c === n.children[i]) ? n : Object.freeze({ ...n, children: Object.freeze(children) })]
      }
      case 'When':
      case 'ForEach': {
        const body = node(n.body)
        return [body === n.body ? n : Object.freeze({ ...n, body })]
      }
    }
  }
  const node = (n: Node): Node => {
    const r = nodes(n)
    return r.length === 1 ? r[0]! : Object.freeze({ _tag: 'Seq' as const, children: Object.freeze(r) })
  }
  const roots = [wf.body, ...(wf.onExit ? [wf.onExit] : [])]
  const bodies = [...roots, ...roots.flatMap(templatesOf).flatMap((x) => (x._tag === 'Subflow' ? [x.body] : []))]
  if (!bodies.some((b) => stepsIn(b).some((x) => slicedArtifacts(x).length))) return wf
  const body = node(wf.body)
  const onExit = wf.onExit && node(wf.onExit)
  return body === wf.body && onExit === wf.onExit ? wf : Object.freeze({ ...wf, body, ...(onExit ? { onExit } : {}) })
}
