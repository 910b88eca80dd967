/**
 * `spec.templateDefaults`, merged into every template as Argo's controller does it
 * (workflow/controller/operator.go, `mergedTemplateDefaultsInto`, called by executeTemplate on every resolved
 * template): the defaults' fields of another template kind are dropped (a `container` default does not reach a
 * script or steps template), then the template is applied over the defaults as a Kubernetes strategic merge
 * patch (`strategicpatch.StrategicMergePatch(defaults, template, wfv1.Template{})`): objects merge field by
 * field, the template's own values win, and lists are replaced — except lists Argo or Kubernetes declares with
 * a `patchMergeKey`, whose items merge by that key (a container's `env` by name, `volumeMounts` by mountPath;
 * a template's `volumes` by name; pkg/apis/workflow/v1alpha1/workflow_types.go and k8s.io/api/core/v1).
 *
 * @module
 */

type Obj = Record<string, unknown>

/** The keys that name a template's kind (its one of container, script, steps, …). @example TEMPLATE_KINDS.includes('dag') // true */
export const TEMPLATE_KINDS = ['container', 'script', 'steps', 'dag', 'suspend', 'resource', 'http', 'containerSet', 'data', 'plugin']

/** The lists whose items a strategic merge merges by a key, by field name, as Argo's and Kubernetes' types declare them. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  env: 'name',
  volumeMounts: 'mountPath',
  volumes: 'name',
  initContainers: 'name',
  sidecars: 'name',
  parameters: 'name',
  artifacts: 'name',
  tolerations: 'key',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ports: 'containerPort',
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The items of two lists merged by `key`: the defaults' items in their order (each merged with the template's of the same key), then the template's new ones. */
const mergeByKey = (defaults: readonly unknown[], own: readonly unknown[], key: string): unknown[] => {
  const keyOf = (x: unknown) => (isObj(x) ? JSON.stringify(x[key]) : undefined)
  const ownBy = new Map(own.flatMap((x) => (keyOf(x) === undefined ? [] : [[keyOf(x)!, x] as const])))
  const merged = defaults.map((d) => {
    const o = ownBy.get(keyOf(d) ?? '')
    return o === undefined ? d : merge(d, o)
  })
  const known = new Set(defaults.map(keyOf))
  return [...merged, ...own.filter((x) => !known.has(keyOf(x)))]
}

/** `own` applied over `defaults` as a strategic merge patch (see the module's comment); `field` names the value's field. */
const merge = (defaults: unknown, own: unknown, field?: string): unknown => {
  if (isObj(defaults) && isObj(own)) {
    const out: Obj = { ...defaults }
    for (const [k, v] of Object.entries(own)) out[k] = k in defaults ? merge(defaults[k], v, k) : v
    return out
  }
  const key = field !== undefined ? MERGE_KEYS[field] : undefined
  if (key && Array.isArray(defaults) && Array.isArray(own)) return mergeByKey(defaults, own, key)
  return own
}

/**
 * A template with the workflow's templateDefaults merged in, as Argo merges them (see the module's comment).
 *
 * @example
 * ```ts
 * withTemplateDefaults({ retryStrategy: { limit: 2 }, container: { env: [{ name: 'A', value: '1' }] } }, { name: 'x', container: { image: 'alpine', env: [{ name: 'B', value: '2' }] } })
 * // { retryStrategy: { limit: 2 }, name: 'x', container: { env: [{ name: 'A', … }, { name: 'B', … }], image: 'alpine' } }
 * ```
 */
export const withTemplateDefaults = (defaults: Obj | undefined, tpl: Obj): Obj => {
  if (!defaults) return tpl
  const applicable = Object.fromEntries(Object.entries(defaults).filter(([k]) => !TEMPLATE_KINDS.includes(k) || k in tpl))
  return merge(applicable, tpl) as Obj
}
