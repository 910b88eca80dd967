import { WORKFLOW_VARS, fileVarOf, groupedTemplateOf, problem, render, type ArtifactSpec, type IoSpec, type ParamSpec, type Problem, type Scalar, type ScriptTemplate } from 'dflow-ts'
import type { ArgoArtifact, ArgoParameter, ArgoTemplate } from './manifest.ts'
import type { ResolvedOptions } from './options.ts'
import { archiveOf, codecDescription, compact, encodedDefault, outputDefault } from './io.ts'
import { bigParamPath, inputArtifactPath, outputPath } from './paths.ts'
import { defaultLimitProblems, envLimitProblems } from './env-limit.ts'
import { tag, tagProblems } from './tags.ts'
import { shippedPackages } from './packages.ts'

/** A compiled script template, with the volumes it needs at the workflow level and what went wrong. @example compileScript(hello, resolveOptions()).problems // [] */
export interface CompiledScript {
  readonly template: ArgoTemplate
  readonly volumes: readonly Readonly<Record<string, unknown>>[]
  readonly problems: readonly Problem[]
}

type Spec = ParamSpec<any, boolean> | ArtifactSpec

const params = (io: IoSpec): [string, ParamSpec<any, boolean>][] => Object.entries(io).filter((e): e is [string, ParamSpec<any, boolean>] => e[1]._tag === 'Param' && !e[1].big)
/** Big parameters: artifacts on Argo (a file the script reads, a file it leaves). */
const bigParams = (io: IoSpec): [string, ParamSpec<any, boolean>][] => Object.entries(io).filter((e): e is [string, ParamSpec<any, boolean>] => e[1]._tag === 'Param' && !!e[1].big)
/** A hole bound to a big input parameter: its value is the file of an input artifact, read by the script's first lines. */
const isBigInput = (v: Scalar): boolean => typeof v === 'object' && v._tag === 'ParamRef' && v.source.kind === 'input' && !!v.big
const artifacts = (io: IoSpec): [string, ArtifactSpec][] => Object.entries(io).filter((e): e is [string, ArtifactSpec] => e[1]._tag === 'Artifact')

/** The value an environment variable bound to a hole gets in the pod. */
const envValue = (t: ScriptTemplate, v: Scalar, o: ResolvedOptions, path: readonly string[]): { value: string; problems: Problem[] } => {
  if (typeof v !== 'object') return { value: String(v), problems: tagProblems(String(v), path) }
  switch (v._tag) {
    case 'ParamRef':
      return v.source.kind === 'workflow'
        ? { value: tag(WORKFLOW_VARS[v.name] ?? `workflow.parameters.${v.name}`), problems: [] }
        : v.source.kind === 'input'
          ? { value: tag(`inputs.parameters.${v.name}`), problems: [] }
          : { value: '', problems: [problem(path, `a script cannot use ${v.source.kind === 'step' ? `step "${v.source.step}"` : 'the item of a forEach'} directly`, 'declare an input and pass the reference as an argument')] }
    case 'ArtifactRef': {
      const spec = (t.inputs as IoSpec)[v.name]
      return spec?._tag === 'Artifact' && v.source.kind === 'input'
        ? { value: inputArtifactPath(o.workDir, v.name, spec), problems: [] }
        : { value: '', problems: [problem(path, `artifact "${v.name}" is not an input of this template`)] }
    }
    case 'OutputPath': {
      const spec = (t.outputs as IoSpec)[v.name] as Spec | undefined
      return spec ? { value: outputPath(o.workDir, v.name, spec), problems: [] } : { value: '', problems: [problem(path, `no output "${v.name}"`)] }
    }
    case 'ContextVar':
      return { value: tag(v.name === 'workflow.name' ? 'workflow.name' : 'pod.name'), problems: [] }
  }
}

const inputParameter = ([name, spec]: [string, ParamSpec<any, boolean>]): ArgoParameter =>
  compact({ name, default: encodedDefault(spec), description: codecDescription(spec) })

const outputParameter = (o: ResolvedOptions) => ([name, spec]: [string, ParamSpec<any, boolean>]): ArgoParameter => ({
  name,
  valueFrom: compact({ path: outputPath(o.workDir, name, spec), default: outputDefault(spec) }),
  description: codecDescription(spec),
})

const artifactDecl = (path: string, name: string, spec: ArtifactSpec, side: 'in' | 'out' = 'in'): ArgoArtifact =>
  compact({ name, path, optional: spec.optional || undefined, ...(side === 'out' ? { archive: archiveOf(spec) } : {}) })

/**
 * Compiles a script template (`shell`/`script`) to an Argo `script` template: `source` is the rendered
 * text, each hole an `env` entry (`{{inputs.parameters.NAME}}`, `{{workflow.parameters.NAME}}`, the pod path
 * of an artifact or output, or a literal's string); inputs and outputs declared with their codecs; the
 * container options passed through; then the executor hook applied.
 *
 * @example
 * ```ts
 * compileScript(duplicate, resolveOptions({})).template.script.env
 * // [{ name: 'dflow_art_foo', value: '/tmp/inputs/artifacts/foo' }, { name: 'dflow_in_msg', value: '{{inputs.parameters.msg}}' }]
 * ```
 */
export const compileScript = (t: ScriptTemplate, o: ResolvedOptions): CompiledScript => {
  const path = ['templates', t.name]
  const rendered = render(t.source, { fromFile: isBigInput })
  const problems: Problem[] = [...tagProblems(rendered.text, [...path, 'script']), ...defaultLimitProblems(t.inputs, path)]
  const env = rendered.env.map((b) => {
    if (isBigInput(b.value)) return { name: fileVarOf(b.name), value: bigParamPath('in', (b.value as { name: string }).name) }
    const r = envValue(t, b.value, o, [...path, 'script', b.name])
    if (typeof b.value !== 'object') problems.push(...envLimitProblems('a literal', b.name, r.value, [...path, 'script', b.name]))
    problems.push(...r.problems)
    return { name: b.name, value: r.value }
  })
  const userEnv = Object.entries(t.env ?? {}).map(([name, value]) => ({ name, value }))
  const shipped = shippedPackages(t, o, path)
  problems.push(...shipped.problems)
  // A grouped slice's wrapper runs its template's script: the default image is that language's.
  const lang = (groupedTemplateOf(t) as ScriptTemplate | undefined)?.source.lang ?? t.source.lang
  const image = t.image ?? o.defaultImage[lang === 'python' ? 'python' : 'sh']
  const script = compact({
    image,
    imagePullPolicy: t.imagePullPolicy,
    command: [...t.command],
    source: rendered.text,
    workingDir: o.workDir,
    env: [...env, ...shipped.env, ...userEnv],
    resources: t.resources,
    volumeMounts: t.mounts ? [...t.mounts] : undefined,
  })
  const template: ArgoTemplate = compact({
    name: t.name,
    inputs: compact({
      parameters: params(t.inputs).map(inputParameter),
      artifacts: [
        ...bigParams(t.inputs).map(([name, s]) => compact({ name, path: bigParamPath('in', name), ...(s.default ? { raw: { data: encodedDefault(s)! } } : {}) })),
        ...artifacts(t.inputs).map(([n, s]) => artifactDecl(inputArtifactPath(o.workDir, n, s), n, s)),
        ...shipped.artifacts,
      ],
    }),
    outputs: compact({
      // A stdout() output is Argo's built-in outputs.result: nothing to declare.
      parameters: params(t.outputs).filter(([, s]) => !s.stdout).map(outputParameter(o)),
      artifacts: [...bigParams(t.outputs).map(([name, s]) => ({ name, path: outputPath(o.workDir, name, s) })), ...artifacts(t.outputs).map(([n, s]) => artifactDecl(outputPath(o.workDir, n, s), n, s, 'out'))],
    }),
    metadata: compact({ labels: t.labels, annotations: t.annotations }),
    serviceAccountName: t.serviceAccount,
    nodeSelector: t.nodeSelector,
    tolerations: t.tolerations ? [...t.tolerations] : undefined,
    affinity: t.affinity,
    script,
  })
  return { template: o.executor ? o.executor.render(template, t) : template, volumes: t.volumes ?? [], problems }
}
