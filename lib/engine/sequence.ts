import type { Sequence } from 'dflow-ts'

/** Formats an integer with a printf pattern (`%d %i %x %X %o %s`, flags `0`/`-`, width). */
const printf = (format: string, n: number): string =>
  format.replace(/%([-0]?)(\d*)([dixXos%])/g, (_, flag: string, width: string, conv: string) => {
    if (conv === '%') return '%'
    const body = conv === 'x' ? n.toString(16) : conv === 'X' ? n.toString(16).toUpperCase() : conv === 'o' ? n.toString(8) : String(n)
    const w = Number(width || 0)
    return flag === '-' ? body.padEnd(w, ' ') : body.padStart(w, flag === '0' ? '0' : ' ')
  })

/**
 * The items of a sequence with Argo's semantics: `count` numbers from `start` (default 0), or `start..end`
 * inclusive, descending when start > end; formatted with `format` (printf) when given.
 *
 * @example
 * ```ts
 * sequenceItems({ count: 3 }, (v) => v as number)             // ['0', '1', '2']
 * sequenceItems({ start: 5, end: 3 }, (v) => v as number)     // ['5', '4', '3']
 * sequenceItems({ count: 2, format: 'u%02X' }, (v) => v as number) // ['u00', 'u01']
 * ```
 */
export const sequenceItems = (s: Sequence, value: (v: NonNullable<Sequence['count']>) => number): string[] => {
  const start = s.start !== undefined ? value(s.start) : 0
  let nums: number[]
  if (s.count !== undefined) {
    const count = value(s.count)
    nums = Array.from({ length: Math.max(0, count) }, (_, i) => start + i)
  } else if (s.end !== undefined) {
    const end = value(s.end)
    const step = start <= end ? 1 : -1
    nums = Array.from({ length: Math.abs(end - start) + 1 }, (_, i) => start + i * step)
  } else nums = []
  return nums.map((n) => (s.format !== undefined ? printf(s.format, n) : String(n)))
}
