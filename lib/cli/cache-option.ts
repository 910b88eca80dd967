/**
 * `dflow run --cache`: every leaf step is cached by content (see the README's "Caching"). Kept apart from
 * `run.ts` so that each option of `dflow run` stays one small module.
 *
 * @example
 * ```ts
 * parseArgs({ args, options: { ...CACHE_OPTION } })
 * local().run(wf, { ...cacheRunOption(values) })
 * ```
 */
export const CACHE_OPTION = { cache: { type: 'boolean' } } as const

/** The help line of `--cache`. @example HELP += CACHE_HELP */
export const CACHE_HELP = `  --cache                  take a step's outputs from the cache when an earlier call computed the
                           same thing (same template, input values, input artifact contents);
                           entries live in the artifact store, or in RUNS_DIR/.cache`

/** The run option `--cache` gives. @example cacheRunOption({ cache: true }) // { cache: true } */
export const cacheRunOption = (values: { readonly cache?: boolean | undefined }): { readonly cache?: true } => (values.cache ? { cache: true } : {})
