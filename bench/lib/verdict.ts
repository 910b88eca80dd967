/**
 * The bench's overall line: `MET` when every target was measured and met; `NOT MET` when one was measured
 * and missed (naming what else was not measured); otherwise `not measured`, with why — a peer missing and
 * the command that installs it, a runner left out of BENCH_RUNNERS, a runner that failed.
 *
 * @example
 * ```ts
 * overall([true, undefined], ['peer snakemake missing: run `bash scripts/bench-peers.sh` as root'])
 * // 'not measured (peer snakemake missing: run `bash scripts/bench-peers.sh` as root)'
 * overall([true, false], []) // 'NOT MET'
 * ```
 */
export const overall = (outcomes: readonly (boolean | undefined)[], whyUnmeasured: readonly string[]): string => {
  const unmeasured = outcomes.some((o) => o === undefined)
  const why = unmeasured ? ` (${whyUnmeasured.length ? whyUnmeasured.join('; ') : 'some targets'})` : ''
  if (outcomes.some((o) => o === false)) return `NOT MET${unmeasured ? `; not measured${why}` : ''}`
  return unmeasured ? `not measured${why}` : 'MET'
}
