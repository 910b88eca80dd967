/**
 * The normalisation under which a compiled manifest is compared with Argo's upstream example (documented
 * in docs/argo.md): the structure of the workflow, not how each leaf runs its command.
 *
 * Kept: apiVersion, kind, metadata.name/generateName; spec.entrypoint; spec.arguments (name, value);
 * templates by name, each with its kind (container and script are both "leaf"), image, inputs (name,
 * default, artifact path/optional), outputs (name, valueFrom.path/default/parameter, artifact
 * path/from), steps (groups in order, steps in a group by name) or DAG tasks (by name, `depends` as a
 * sorted conjunction), and each call's template and arguments (name, value or from), fan-out
 * (`withItems`, `withParam`, `withSequence`) and whether it has a `when` (not its text: upstream writes
 * govaluate, the compiler expr-lang), exit hooks, and `spec.onExit`.
 * Dropped: labels and annotations, descriptions (the compiler records codecs there), the leaf's command,
 * args, source, env and workingDir; empty lists; the order of templates, parameters and parallel steps.
 */
type O = Record<string, any>

const byName = (xs: readonly O[] | undefined): O[] => [...(xs ?? [])].sort((a, b) => String(a['name']).localeCompare(String(b['name'])))

const clean = (o: O): O =>
  Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length) && !(v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length)),
  )

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v))

const params = (ps: readonly O[] | undefined, pick: (p: O) => O): O[] => byName(ps).map((p) => clean({ name: p['name'], ...pick(p) }))

const io = (x: O | undefined, param: (p: O) => O, art: (a: O) => O): O =>
  clean({ parameters: params(x?.['parameters'], param), artifacts: params(x?.['artifacts'], art) })

// A YAML block scalar (`value: |`) ends with a newline the JSON it holds does not need.
const args = (x: O | undefined): O =>
  io(x, (p) => ({ value: str(p['value'])?.replace(/\n$/, '') }), (a) => ({ from: a['from'] }))

const depends = (d: unknown): string | undefined =>
  typeof d === 'string' ? d.split('&&').map((s) => s.trim()).sort().join(' && ') : undefined

const seqOf = (s: O | undefined): O | undefined => (s ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)])) : undefined)

const call = (c: O): O =>
  clean({
    name: c['name'],
    template: c['template'],
    arguments: args(c['arguments']),
    depends: depends(c['depends']),
    // a condition is compared by presence: upstream writes govaluate, the compiler writes expr-lang
    when: c['when'] !== undefined ? true : undefined,
    withItems: c['withItems'],
    withParam: c['withParam'],
    withSequence: seqOf(c['withSequence']),
    hooks: c['hooks'] ? Object.fromEntries(Object.entries(c['hooks'] as O).map(([k, h]) => [k, clean({ template: h['template'], arguments: args(h['arguments']) })])) : undefined,
  })

const template = (t: O): O => {
  const leaf = t['container'] ?? t['script']
  return clean({
    name: t['name'],
    kind: leaf ? 'leaf' : t['steps'] ? 'steps' : t['dag'] ? 'dag' : 'other',
    image: leaf?.['image'],
    inputs: io(t['inputs'], (p) => ({ default: str(p['default']) }), (a) => clean({ path: a['path'], optional: a['optional'] })),
    outputs: io(
      t['outputs'],
      (p) => ({ valueFrom: clean({ path: p['valueFrom']?.['path'], default: str(p['valueFrom']?.['default']), parameter: p['valueFrom']?.['parameter'] }) }),
      (a) => clean({ path: a['path'], from: a['from'] }),
    ),
    steps: t['steps'] ? (t['steps'] as O[][]).map((g) => byName(g).map(call)) : undefined,
    tasks: t['dag'] ? byName(t['dag']['tasks']).map(call) : undefined,
  })
}

/**
 * Normalises an Argo Workflow document (upstream or compiled) for comparison.
 *
 * @example
 * ```ts
 * assert.equal(normalise(compile(port)), normalise(upstreamDoc))
 * ```
 */
export const normalise = (doc: O): O =>
  clean({
    apiVersion: doc['apiVersion'],
    kind: doc['kind'],
    metadata: clean({ name: doc['metadata']?.['name'], generateName: doc['metadata']?.['generateName'] }),
    spec: clean({
      entrypoint: doc['spec']?.['entrypoint'],
      onExit: doc['spec']?.['onExit'],
      arguments: args(doc['spec']?.['arguments']),
      templates: byName(doc['spec']?.['templates']).map(template),
    }),
  })
