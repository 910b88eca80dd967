import type { LocalArtifact, ScriptTemplate } from 'dflow-ts'
import type { ArgoTemplate } from './manifest.ts'
import type { Bundler } from '../fn/bundle.ts'
import type { ArtifactRepository } from './repository.ts'
import type { MemoizeOptions } from './memoize.ts'

/** The Argo versions whose schema ships with the project. @example const v: ArgoVersion = 'v4.1' */
export type ArgoVersion = 'v4.1' | 'v3.7'

/**
 * A hook applied to every compiled script template (after the compiler has built it): later issues wrap
 * steps with it (batch jobs, containers). Pure: template in, template out.
 *
 * @example
 * ```ts
 * const labelled: Executor = { render: (t) => ({ ...t, metadata: { labels: { runner: 'hpc' } } }) }
 * compile(wf, { executor: labelled })
 * ```
 */
export interface Executor {
  readonly render: (template: ArgoTemplate, source: ScriptTemplate) => ArgoTemplate
}

/** Options of `compile`; every field is optional. @example compile(wf, { namespace: 'argo', podGC: 'OnPodSuccess' }) */
export interface CompileOptions {
  /** `metadata.namespace`. */
  readonly namespace?: string
  /** `true` (default): `metadata.generateName: NAME-`, a fresh run per submit; `false`: `metadata.name: NAME`. */
  readonly generateName?: boolean
  /** `spec.serviceAccountName`: the account the workflow's pods run as. */
  readonly serviceAccount?: string
  /**
   * `spec.artifactRepositoryRef`: which artifact repository configured on the cluster (config map and key) to
   * use; artifacts the compiler places (fan-in, REFs) are then key-only. With `artifactRepository` too, the
   * compiler also knows its settings (to reach another bucket; see `repositoryConfigMap`).
   */
  readonly artifactRepositoryRef?: { readonly configMap?: string; readonly key?: string }
  /**
   * The S3 artifact repository, in Argo's format (see `ArtifactRepository`). Without `artifactRepositoryRef`
   * it is inline: every leaf template's `archiveLocation` and every artifact the compiler places carry the
   * endpoint, bucket and secret references, so the cluster needs no repository configured. Its `keyFormat`
   * (default `{{workflow.name}}/{{pod.name}}`, dflow's layout) places each step's outputs.
   */
  readonly artifactRepository?: ArtifactRepository
  /**
   * The values of the workflow's artifacts (`workflow(…, { artifacts })`) on the cluster: a REF
   * (`s3://BUCKET/KEY`, what `dflow upload` prints) or Argo's location fields as they are. They become
   * `spec.arguments.artifacts`. A required workflow artifact without a value is a compile error.
   */
  readonly artifacts?: Readonly<Record<string, string | Readonly<Record<string, unknown>>>>
  /** `spec.podGC.strategy`. */
  readonly podGC?: 'OnPodCompletion' | 'OnPodSuccess' | 'OnWorkflowCompletion' | 'OnWorkflowSuccess'
  /** The Argo version the manifest targets (decides the schema it is validated against). Default `v4.1`. */
  readonly argoVersion?: ArgoVersion
  /** The container's working folder: relative declared paths live under it. Default `/tmp/workdir`. */
  readonly workDir?: string
  /** The image of templates that declare none, per script language. Default alpine:3.20 for sh, python:3.12-alpine for Python, node:20-alpine for function OPs. */
  readonly defaultImage?: { readonly sh?: string; readonly python?: string; readonly node?: string }
  /** How a function OP's module becomes a script's source. Default: `esbuildBundler` (reads the OP's source files). */
  readonly bundler?: Bundler
  /** Applied to every script template. */
  readonly executor?: Executor
  /**
   * Where a `localArtifact(path)` argument (and a shipped package) is found on the cluster (it must have been
   * uploaded first): a REF (`s3://BUCKET/KEY`, what `dflow upload` prints), or the Argo artifact location
   * fields, e.g. `{ s3: { key: 'inputs/data.txt' } }`. Without it, a local artifact is a compile error.
   */
  readonly localArtifact?: (artifact: LocalArtifact) => string | Readonly<Record<string, unknown>> | undefined
  /** Where templates with `cache: true` keep their memoized outputs (Argo's `memoize`), and for how long. Default: ConfigMap `dflow-cache`, 720h. */
  readonly memoize?: MemoizeOptions
}

/** The defaults every compile starts from. @example DEFAULTS.workDir // '/tmp/workdir' */
export const DEFAULTS = Object.freeze({
  workDir: '/tmp/workdir',
  image: Object.freeze({ sh: 'alpine:3.20', python: 'python:3.12-alpine', node: 'node:20-alpine' }),
  argoVersion: 'v4.1' as ArgoVersion,
})

/** Options with every default filled in. @example resolveOptions({ workDir: '/w' }).generateName // true */
export interface ResolvedOptions extends CompileOptions {
  readonly generateName: boolean
  readonly argoVersion: ArgoVersion
  readonly workDir: string
  readonly defaultImage: { readonly sh: string; readonly python: string; readonly node: string }
}

/**
 * Fills in the defaults of {@link CompileOptions}.
 *
 * @example
 * ```ts
 * resolveOptions({}).workDir           // '/tmp/workdir'
 * resolveOptions({}).defaultImage.sh   // 'alpine:3.20'
 * ```
 */
export const resolveOptions = (o: CompileOptions = {}): ResolvedOptions => ({
  ...o,
  generateName: o.generateName ?? true,
  argoVersion: o.argoVersion ?? DEFAULTS.argoVersion,
  workDir: o.workDir ?? DEFAULTS.workDir,
  defaultImage: { ...DEFAULTS.image, ...(o.defaultImage ?? {}) },
})
