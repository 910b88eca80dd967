import { DflowError, problem } from 'dflow-ts'

const UNIT: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }

/**
 * Seconds in an Argo duration: a number of seconds (number or digits), or Go's duration text (`1m30s`,
 * `500ms`, as Argo reads `timeout`, `backoff.duration`: time.ParseDuration).
 *
 * @example
 * ```ts
 * seconds('1m30s', ['timeout']) // 90
 * seconds(10, ['activeDeadlineSeconds']) // 10
 * ```
 */
export const seconds = (v: unknown, path: readonly string[]): number => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  const s = String(v).trim()
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s)
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)]
  if (!parts.length || parts.map((p) => p[0]).join('') !== s)
    throw new DflowError([problem(path, `${JSON.stringify(v)} is not a duration`, 'write seconds (10) or a Go duration ("1m30s"); a {{…}} tag is not supported here')])
  return parts.reduce((a, p) => a + Number(p[1]) * UNIT[p[2]!]!, 0)
}
