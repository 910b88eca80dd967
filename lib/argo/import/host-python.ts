import { spawnSync } from 'node:child_process'

let known: { readonly path: string | undefined } | undefined

/**
 * The host's python3 as the importer's own tools run it: the real executable behind `python3` on the PATH,
 * found once per process (a pyenv shim costs a bash and pyenv, ~90 ms, at every start; the interpreter
 * itself ~20 ms). `undefined` when there is no python3, or it does not say where it is.
 *
 * @example
 * ```ts
 * hostPython() // '/usr/bin/python3.11'
 * ```
 */
export const hostPython = (): string | undefined => {
  if (known) return known.path
  const r = spawnSync('python3', ['-I', '-S', '-c', 'import os, sys; print(os.path.realpath(sys.executable))'], { encoding: 'utf8' })
  const p = r.status === 0 ? r.stdout.trim() : ''
  known = { path: p.startsWith('/') ? p : undefined }
  return known.path
}
