/**
 * Go's `time.Format` with a layout (the reference time `Mon Jan 2 15:04:05 MST 2006` written as the output
 * should look), as sprig's `date` calls it, in this host's zone: the chunks of Go's time/format.go
 * (`nextStdChunk`) — `2006 06 January Jan 01 1 Monday Mon 02 _2 2 002 15 03 3 04 4 05 5 PM pm MST`, the zone
 * offsets `-0700 -07:00 -07 Z0700 Z07:00 Z07` (and their seconds forms), fractional seconds `.000` / `.999`
 * — and every other character as it is.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

const pad = (n: number, w: number, c = '0'): string => String(n).padStart(w, c)

/** The zone's abbreviation as this host names it (`UTC`, `CET`, …). */
const zoneName = (d: Date): string => new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC'

const offset = (d: Date, z: boolean, colon: boolean, withMinutes: boolean, withSeconds: boolean): string => {
  const off = -d.getTimezoneOffset()
  if (z && off === 0) return 'Z'
  const a = Math.abs(off)
  const parts = [pad(Math.floor(a / 60), 2), ...(withMinutes ? [pad(a % 60, 2)] : []), ...(withSeconds ? ['00'] : [])]
  return (off < 0 ? '-' : '+') + parts.join(colon ? ':' : '')
}

const dayOfYear = (d: Date): number => Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - new Date(d.getFullYear(), 0, 1).getTime()) / 86_400_000) + 1

type Chunk = readonly [string, (d: Date) => string]

/** The chunks, longest first where one is the start of another (as nextStdChunk tries them). */
const CHUNKS: readonly Chunk[] = [
  ['January', (d) => MONTHS[d.getMonth()]!],
  ['Jan', (d) => MONTHS[d.getMonth()]!.slice(0, 3)],
  ['Monday', (d) => DAYS[d.getDay()]!],
  ['Mon', (d) => DAYS[d.getDay()]!.slice(0, 3)],
  ['MST', zoneName],
  ['2006', (d) => pad(d.getFullYear(), 4)],
  ['002', (d) => pad(dayOfYear(d), 3)],
  ['01', (d) => pad(d.getMonth() + 1, 2)],
  ['02', (d) => pad(d.getDate(), 2)],
  ['03', (d) => pad(d.getHours() % 12 || 12, 2)],
  ['04', (d) => pad(d.getMinutes(), 2)],
  ['05', (d) => pad(d.getSeconds(), 2)],
  ['06', (d) => pad(d.getFullYear() % 100, 2)],
  ['15', (d) => pad(d.getHours(), 2)],
  ['_2006', (d) => `_${pad(d.getFullYear(), 4)}`],
  ['__2', (d) => pad(dayOfYear(d), 3, ' ')],
  ['_2', (d) => pad(d.getDate(), 2, ' ')],
  ['1', (d) => String(d.getMonth() + 1)],
  ['2', (d) => String(d.getDate())],
  ['3', (d) => String(d.getHours() % 12 || 12)],
  ['4', (d) => String(d.getMinutes())],
  ['5', (d) => String(d.getSeconds())],
  ['PM', (d) => (d.getHours() >= 12 ? 'PM' : 'AM')],
  ['pm', (d) => (d.getHours() >= 12 ? 'pm' : 'am')],
  ['-07:00:00', (d) => offset(d, false, true, true, true)],
  ['-070000', (d) => offset(d, false, false, true, true)],
  ['-07:00', (d) => offset(d, false, true, true, false)],
  ['-0700', (d) => offset(d, false, false, true, false)],
  ['-07', (d) => offset(d, false, false, false, false)],
  ['Z07:00:00', (d) => offset(d, true, true, true, true)],
  ['Z070000', (d) => offset(d, true, false, true, true)],
  ['Z07:00', (d) => offset(d, true, true, true, false)],
  ['Z0700', (d) => offset(d, true, false, true, false)],
  ['Z07', (d) => offset(d, true, false, false, false)],
]

/**
 * Formats `d` with a Go layout, in this host's zone.
 *
 * @example
 * ```ts
 * goLayout('2006-01-02', new Date(2026, 11, 2)) // '2026-12-02'
 * goLayout('Jan _2 15:04:05.000', d)           // 'Dec  2 18:39:33.120'
 * ```
 */
export const goLayout = (layout: string, d: Date): string => {
  let out = ''
  for (let i = 0; i < layout.length; ) {
    // fractional seconds: `.` or `,` and a run of 0s (fixed width) or 9s (trailing zeros dropped), not followed by a digit
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i))
    if (frac) {
      const digits = pad(d.getMilliseconds(), 3).padEnd(frac[1]!.length, '0').slice(0, frac[1]!.length)
      const text = frac[1]![0] === '9' ? digits.replace(/0+$/, '') : digits
      out += frac[1]![0] === '9' && text === '' ? '' : layout[i] + text
      i += frac[0].length
      continue
    }
    const c = CHUNKS.find(([k]) => layout.startsWith(k, i))
    if (c) {
      out += c[1](d)
      i += c[0].length
      continue
    }
    out += layout[i]
    i++
  }
  return out
}
