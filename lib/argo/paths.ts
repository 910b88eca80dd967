import type { ArtifactSpec, ParamSpec } from 'dflow-ts'

/**
 * Where a declared path lives inside the step's container. The local interpreter puts a declared path `p`
 * at `<step work folder>/<p>`; on Argo the step's work folder is the container's working folder
 * (`workDir`), so a relative `p` becomes `workDir/p`. An absolute `p` is kept as it is: the pod's file
 * system belongs to the step alone, which is what the local interpreter's re-rooting emulates.
 *
 * @example
 * ```ts
 * podPath('/tmp/workdir', 'result.txt')      // '/tmp/workdir/result.txt'
 * podPath('/tmp/workdir', '/tmp/hello.txt')  // '/tmp/hello.txt'
 * ```
 */
export const podPath = (workDir: string, declared: string): string =>
  declared.startsWith('/') ? declared : `${workDir.replace(/\/+$/, '')}/${declared.replace(/^\.\//, '')}`

/**
 * The path of an input artifact in the pod: its declared path, else `/tmp/inputs/artifacts/NAME` (Argo
 * creates the folders leading to an input artifact).
 *
 * @example
 * ```ts
 * inputArtifactPath('/tmp/workdir', 'foo', artifact())                    // '/tmp/inputs/artifacts/foo'
 * inputArtifactPath('/tmp/workdir', 'foo', artifact({ path: 'in.txt' }))  // '/tmp/workdir/in.txt'
 * ```
 */
export const inputArtifactPath = (workDir: string, name: string, spec: ArtifactSpec): string =>
  spec.path !== undefined ? podPath(workDir, spec.path) : `/tmp/inputs/artifacts/${name}`

/**
 * The path an output is read from in the pod: its declared path, else a file directly in `/tmp` (no folder
 * to create first, so any script can write it): `/tmp/dflow-param-NAME` or `/tmp/dflow-artifact-NAME`.
 *
 * @example
 * ```ts
 * outputPath('/tmp/workdir', 'msg', param(t.number))                          // '/tmp/dflow-param-msg'
 * outputPath('/tmp/workdir', 'msg', param(t.number, { path: 'result.txt' }))  // '/tmp/workdir/result.txt'
 * ```
 */
export const outputPath = (workDir: string, name: string, spec: ParamSpec<any, boolean> | ArtifactSpec): string =>
  spec.path !== undefined ? podPath(workDir, spec.path) : `/tmp/dflow-${spec._tag === 'Param' ? 'param' : 'artifact'}-${name}`

/** Where a big parameter's file lives in the pod, as an input or as an output. @example bigParamPath('in', 'foo') // '/tmp/dflow/bigpar/in/foo' */
export const bigParamPath = (side: 'in' | 'out', name: string): string => `/tmp/dflow/bigpar/${side}/${name}`
