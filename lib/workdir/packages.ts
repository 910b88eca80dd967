import { delimiter, dirname, resolve } from 'node:path'
import type { LeafTemplate } from 'dflow-ts'

/*
 * A template's shipped `packages` (local folders, seed 3.2.4's "upload packages") and the progress file, as
 * a step's environment names them — one meaning for every interpreter on this machine's engine: each
 * package folder's parent goes first on NODE_PATH and PYTHONPATH (so `import mylib` finds the folder
 * `mylib`), and the step writes `current/total` to the file DFLOW_PROGRESS_FILE (and Argo's
 * ARGO_PROGRESS_FILE) names.
 */

/**
 * The template's package folders, as absolute paths of this machine (relative ones resolved against the current folder).
 *
 * @example packageFolders(shell({ …, packages: ['./mylib'] })) // ['/home/me/project/mylib']
 */
export const packageFolders = (t: LeafTemplate): readonly string[] => (t.packages ?? []).map((d) => resolve(d))

/**
 * The variables that put `parents` (the folders that hold the packages) first on NODE_PATH and PYTHONPATH,
 * before what `env` already has there; none when there are no packages.
 *
 * @example packagePath(['/opt/pkgs'], { PYTHONPATH: '/x' }) // { NODE_PATH: '/opt/pkgs', PYTHONPATH: '/opt/pkgs:/x' }
 */
export const packagePath = (parents: readonly string[], env: Readonly<Record<string, string | undefined>>): Record<string, string> =>
  parents.length ? Object.fromEntries(['NODE_PATH', 'PYTHONPATH'].map((k) => [k, [...parents, ...(env[k] ? [env[k]!] : [])].join(delimiter)])) : {}

/**
 * The package variables of a step on this machine (where the package folders themselves are).
 *
 * @example localPackagePath(t, process.env) // { NODE_PATH: '/home/me/project', PYTHONPATH: '/home/me/project' }
 */
export const localPackagePath = (t: LeafTemplate, env: Readonly<Record<string, string | undefined>>): Record<string, string> =>
  packagePath([...new Set(packageFolders(t).map((d) => dirname(d)))], env)

/**
 * The variables that name a step's progress file (where it is as the step sees it).
 *
 * @example progressEnv('/runs/r/steps/a/progress') // { DFLOW_PROGRESS_FILE: '/runs/r/steps/a/progress', ARGO_PROGRESS_FILE: '/runs/r/steps/a/progress' }
 */
export const progressEnv = (file: string): Record<string, string> => ({ DFLOW_PROGRESS_FILE: file, ARGO_PROGRESS_FILE: file })
