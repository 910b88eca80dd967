import { problem, type ArtifactSpec, type FnTemplate, type IoSpec, type ParamSpec, type Problem } from 'dflow-ts'
import type { PodPlan } from '../fn/argo-main.ts'
import type { ArgoParameter, ArgoTemplate } from './manifest.ts'
import type { ResolvedOptions } from './options.ts'
import { codecDescription, compact, encodedDefault, outputDefault } from './io.ts'
import { bigParamPath, inputArtifactPath, outputPath } from './paths.ts'
import { defaultLimitProblems } from './env-limit.ts'
import { tag } from './tags.ts'
import { esbuildBundler } from '../fn/bundle.ts'
import { shippedPackages } from './packages.ts'


type Entry<S> = [string, S]
const entries = (io: IoSpec) => Object.entries(io) as Entry<ParamSpec<any, boolean> | ArtifactSpec>[]
const isBig = (s: ParamSpec<any, boolean> | ArtifactSpec): s is ParamSpec<any, boolean> => s._tag === 'Param' && !!s.big

/**
 * Compiles a function OP to an Argo `script` template run by `node`: the source is the OP's module bundled
 * with the pod runtime (see `lib/fn/bundle.ts`), which reads parameters from `env` entries bound to
 * `{{inputs.parameters.NAME}}`, big parameters and artifacts from files, checks types, runs the body and
 * writes each output where the template's `outputs` read it. Big parameters are artifacts on Argo.
 * Shipped packages are input artifacts (see `packages.ts`).
 *
 * @example
 * ```ts
 * compileFn(duplicate, resolveOptions()).template.script.command // ['node']
 * ```
 */
export const compileFn = (t: FnTemplate, o: ResolvedOptions): { readonly template: ArgoTemplate; readonly problems: readonly Problem[] } => {
  const path = ['templates', t.name]
  const problems: Problem[] = []
  const ins = entries(t.inputs)
  const outs = entries(t.outputs)
  const plan: PodPlan = {
    params: Object.fromEntries(ins.filter(([, s]) => s._tag === 'Param').map(([n, s]) => [n, isBig(s) ? { file: bigParamPath('in', n) } : { env: `dflow_in_${n.replace(/[^A-Za-z0-9_]/g, '_')}` }])),
    artifacts: Object.fromEntries(ins.filter(([, s]) => s._tag === 'Artifact').map(([n, s]) => [n, inputArtifactPath(o.workDir, n, s as ArtifactSpec)])),
    outputs: Object.fromEntries(outs.map(([n, s]) => [n, isBig(s) ? bigParamPath('out', n) : outputPath(o.workDir, n, s)])),
  }
  const shipped = shippedPackages(t, o, path)
  problems.push(...shipped.problems, ...defaultLimitProblems(t.inputs, path))
  const packages = shipped.artifacts
  const env = [
    ...ins.filter(([, s]) => s._tag === 'Param' && !isBig(s)).map(([n]) => ({ name: `dflow_in_${n.replace(/[^A-Za-z0-9_]/g, '_')}`, value: tag(`inputs.parameters.${n}`) })),
    { name: 'dflow_step_name', value: tag('pod.name') },
    { name: 'dflow_workflow_name', value: tag('workflow.name') },
    ...shipped.env,
    ...Object.entries(t.env ?? {}).map(([name, value]) => ({ name, value })),
  ]
  const bundler = o.bundler ?? esbuildBundler
  let source = ''
  try {
    source = bundler(t, plan)
  } catch (e) {
    problems.push(problem([...path, 'module'], `could not bundle ${t.module}: ${(e as Error).message}`, 'check that the module and what it imports exist'))
  }
  const template: ArgoTemplate = compact({
    name: t.name,
    inputs: compact({
      parameters: ins.filter(([, s]) => s._tag === 'Param' && !isBig(s)).map(([name, s]): ArgoParameter => compact({ name, default: encodedDefault(s as ParamSpec<any, boolean>), description: codecDescription(s as ParamSpec<any, boolean>) })),
      artifacts: [
        ...ins.filter(([, s]) => isBig(s)).map(([name, s]) => compact({ name, path: bigParamPath('in', name), ...(encodedDefault(s as ParamSpec<any, boolean>) !== undefined ? { raw: { data: encodedDefault(s as ParamSpec<any, boolean>) } } : {}) })),
        ...ins.filter(([, s]) => s._tag === 'Artifact').map(([name, s]) => compact({ name, path: plan.artifacts[name], optional: (s as ArtifactSpec).optional || undefined })),
        ...packages,
      ],
    }),
    outputs: compact({
      parameters: outs.filter(([, s]) => s._tag === 'Param' && !isBig(s)).map(([name, s]): ArgoParameter => ({ name, valueFrom: compact({ path: plan.outputs[name], default: outputDefault(s as ParamSpec<any, boolean>) }), description: codecDescription(s as ParamSpec<any, boolean>) })),
      artifacts: outs.filter(([, s]) => s._tag !== 'Param' || isBig(s)).map(([name, s]) => compact({ name, path: plan.outputs[name], optional: (s._tag === 'Artifact' && s.optional) || undefined })),
    }),
    metadata: compact({ labels: t.labels, annotations: t.annotations }),
    serviceAccountName: t.serviceAccount,
    nodeSelector: t.nodeSelector,
    tolerations: t.tolerations ? [...t.tolerations] : undefined,
    affinity: t.affinity,
    script: compact({
      image: t.image ?? o.defaultImage.node,
      imagePullPolicy: t.imagePullPolicy,
      command: ['node'],
      source,
      workingDir: o.workDir,
      env,
      resources: t.resources,
      volumeMounts: t.mounts ? [...t.mounts] : undefined,
    }),
  })
  return { template, problems }
}
