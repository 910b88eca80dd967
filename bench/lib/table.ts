/**
 * Prints rows as a plain-text table with aligned columns (first column left-aligned, the rest right).
 *
 * @example
 * ```ts
 * table([['runner', 'ms/step'], ['make', '0.61']])
 * // runner  ms/step
 * // make       0.61
 * ```
 */
export const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), [])
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n')
}

/** A number with a fixed number of significant-looking decimals, or '-' when not measured. @example fmt(1.234) // '1.23' */
export const fmt = (x: number | undefined, digits = 2): string => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits))
