import { problem, type Problem } from 'dflow-ts'

/**
 * What the importer does with each field of an Argo object: `use` (it has a local meaning, implemented),
 * `warn` (accepted, no local meaning: listed once as a warning), and anything else is an error naming its
 * path — an Argo field is never silently ignored.
 *
 * @example
 * ```ts
 * const retry: FieldTable = { use: ['limit', 'retryPolicy', 'backoff'], warn: ['affinity'] }
 * ```
 */
export interface FieldTable {
  readonly use: readonly string[]
  readonly warn: readonly string[]
}

const K8S_POD = ['podResources', 'nodeSelector', 'tolerations', 'affinity', 'securityContext', 'serviceAccountName', 'automountServiceAccountToken', 'priorityClassName', 'priority', 'schedulerName', 'hostAliases', 'dnsConfig', 'dnsPolicy', 'imagePullSecrets', 'podSpecPatch', 'executor', 'archiveLocation', 'metrics', 'podMetadata', 'hostNetwork']

/** Container fields with no local meaning. */
const CONTAINER_WARN = ['resources', 'imagePullPolicy', 'securityContext', 'ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'terminationMessagePath', 'terminationMessagePolicy', 'stdin', 'tty']

/** The fields of each kind of Argo object the importer reads. @example FIELDS.container.use.includes('args') // true */
export const FIELDS = {
  document: { use: ['apiVersion', 'kind', 'metadata', 'spec'], warn: ['status'] },
  metadata: { use: ['name', 'generateName', 'labels', 'annotations'], warn: ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'] },
  spec: {
    use: ['entrypoint', 'arguments', 'templates', 'onExit', 'hooks', 'parallelism', 'activeDeadlineSeconds', 'workflowTemplateRef', 'templateDefaults', 'volumes', 'volumeClaimTemplates', 'synchronization', 'artifactRepositoryRef'],
    warn: [...K8S_POD, 'podGC', 'ttlStrategy', 'ttlSecondsAfterFinished', 'archiveLogs', 'artifactGC', 'podDisruptionBudget', 'workflowMetadata', 'volumeClaimGC', 'podPriority', 'podPriorityClassName'],
  },
  template: {
    use: ['name', 'inputs', 'outputs', 'container', 'script', 'containerSet', 'initContainers', 'sidecars', 'steps', 'dag', 'suspend', 'http', 'retryStrategy', 'activeDeadlineSeconds', 'timeout', 'parallelism', 'volumes', 'memoize', 'synchronization', 'daemon'],
    warn: [...K8S_POD, 'metadata', 'resources', 'serviceAccountName'],
  },
  /** What spec.templateDefaults may give every template (the fields with a local meaning for all; see template-defaults.ts). */
  templateDefaults: {
    use: ['container', 'script', 'retryStrategy', 'activeDeadlineSeconds', 'timeout'],
    warn: [...K8S_POD, 'metadata', 'resources', 'serviceAccountName'],
  },
  container: {
    use: ['image', 'command', 'args', 'env', 'workingDir', 'volumeMounts', 'source', 'name'],
    warn: CONTAINER_WARN,
  },
  containerSet: { use: ['containers', 'volumeMounts'], warn: [] },
  http: { use: ['method', 'url', 'headers', 'body', 'bodyFrom', 'timeoutSeconds', 'successCondition', 'insecureSkipVerify'], warn: [] },
  httpHeader: { use: ['name', 'value', 'valueFrom'], warn: [] },
  setContainer: {
    use: ['image', 'command', 'args', 'env', 'workingDir', 'volumeMounts', 'name', 'dependencies'],
    warn: CONTAINER_WARN,
  },
  extraContainer: {
    use: ['image', 'command', 'args', 'env', 'workingDir', 'volumeMounts', 'name', 'mirrorVolumeMounts'],
    warn: CONTAINER_WARN,
  },
  step: { use: ['name', 'template', 'templateRef', 'arguments', 'when', 'withItems', 'withParam', 'withSequence', 'continueOn', 'onExit', 'hooks', 'dependencies', 'depends', 'inline'], warn: [] },
  inputParameter: { use: ['name', 'value', 'default', 'description', 'enum', 'valueFrom'], warn: [] },
  outputParameter: { use: ['name', 'valueFrom', 'globalName', 'description', 'default'], warn: [] },
  artifact: { use: ['name', 'path', 'from', 'fromExpression', 'raw', 'optional', 'archive', 'mode', 'globalName'], warn: ['archiveLogs', 'deleted', 'recurseMode', 'artifactGC'] },
  argumentArtifact: { use: ['name', 'from', 'subPath', 'raw', 'archive'], warn: [] },
  /** An input artifact's `http:` (Argo's HTTPArtifact; saveStreamViaFile is for uploads). */
  httpArtifact: { use: ['url', 'headers', 'auth'], warn: ['saveStreamViaFile'] },
  retryStrategy: { use: ['limit', 'retryPolicy', 'backoff', 'expression'], warn: ['affinity'] },
  memoize: { use: ['key', 'maxAge', 'cache'], warn: [] },
  memoizeConfigMap: { use: ['name'], warn: ['key', 'optional'] },
} as const satisfies Readonly<Record<string, FieldTable>>

/** Why a field is accepted and has no more use here, where it has some (the default: none at all). */
const WHY: Readonly<Record<string, string>> = {
  // the workflow's (spec-globals.ts); a template's only names the account its pod would run under
  serviceAccountName: 'runs no pod here: accepted, and read only as {{workflow.serviceAccountName}} (the workflow\'s)',
}

/** Warnings collected over one import: each field without a local meaning, once. @example const w = new Warnings(); w.add(['spec', 'podGC']); w.list // ['spec.podGC: podGC has no local meaning: accepted and not used'] */
export class Warnings {
  private readonly seen = new Set<string>()
  readonly list: string[] = []
  /** Notes a field (once per field name). @example w.add(['spec', 'podGC']) */
  add(path: readonly string[], why = 'has no local meaning: accepted and not used'): void {
    const field = path[path.length - 1]!
    if (this.seen.has(field)) return
    this.seen.add(field)
    this.list.push(`${path.join('.')}: ${field} ${why}`)
  }
}

/**
 * Checks an object's fields against a table: unknown or unimplemented fields are problems naming their path;
 * fields without a local meaning are noted as warnings.
 *
 * @example
 * ```ts
 * fieldProblems({ image: 'x', sidecars: [] }, FIELDS.container, ['spec', 'templates', '0', 'container'], w) // [problem(…sidecars…)]
 * ```
 */
export const fieldProblems = (o: unknown, table: FieldTable, path: readonly string[], w: Warnings): Problem[] => {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [problem(path, `expected an object, got ${JSON.stringify(o)}`)]
  const out: Problem[] = []
  for (const k of Object.keys(o)) {
    if (table.use.includes(k)) continue
    if (table.warn.includes(k)) w.add([...path, k], WHY[k])
    else out.push(problem([...path, k], `the field "${k}" is not supported by the local importer`, 'remove it, or run this workflow on Argo'))
  }
  return out
}
