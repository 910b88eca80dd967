import { openRun, reusedStep, type ReusedStep } from '../local/index.ts'

/** The lines of `dflow run --help` for the reuse options. */
export const REUSE_HELP = `  --reuse RUN_DIR          reuse the steps of an earlier run (repeatable): a step whose key (and template)
                           is that of a step that succeeded there is not run, its outputs are taken
  --reuse-keys REGEX       reuse only the steps whose key matches REGEX (default: every keyed step)`

/** The `parseArgs` options of {@link reuseOf}. */
export const REUSE_OPTIONS = { reuse: { type: 'string', multiple: true }, 'reuse-keys': { type: 'string' } } as const

/**
 * The steps `--reuse RUN_DIR… [--reuse-keys REGEX]` choose: every step with a key that succeeded in those run
 * folders (the later folder wins for a key given twice), its key matching REGEX; or what is wrong (a message).
 *
 * @example
 * ```ts
 * await reuseOf({ reuse: ['.dflow-runs/recurse-1'], 'reuse-keys': '^iter-[01]$' }) // [ReusedStep iter-0, ReusedStep iter-1]
 * ```
 */
export const reuseOf = async (values: { readonly reuse?: readonly string[]; readonly 'reuse-keys'?: string }): Promise<readonly ReusedStep[] | string> => {
  const dirs = values.reuse ?? []
  if (!dirs.length) return values['reuse-keys'] === undefined ? [] : '--reuse-keys needs --reuse RUN_DIR'
  let keys: RegExp
  try {
    keys = new RegExp(values['reuse-keys'] ?? '')
  } catch (e) {
    return `--reuse-keys: ${(e as Error).message}`
  }
  const chosen: ReusedStep[] = []
  for (const dir of dirs) {
    let run
    try {
      run = await openRun(dir)
    } catch (e) {
      return `--reuse ${dir}: not a run folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`
    }
    for (const s of run.steps({ phase: 'Succeeded', type: 'Pod' })) if (s.key !== undefined && keys.test(s.key)) chosen.push(reusedStep(s))
  }
  return chosen
}
