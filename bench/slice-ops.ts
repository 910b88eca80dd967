import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeParam, fn, param, t } from '../dsl/index.ts'

/**
 * The function OPs of the slices bench (a module of its own: each worker imports it). `sliceInc` is the
 * per-slice work — read its element, return x + 1 (written to its output file by the runtime); `floorInc`
 * does the same work for a whole list in one call: decodes each element and writes each output to a file.
 *
 * @example
 * ```ts
 * step('floor', floorInc, { xs: [1, 2] }) // n = 2, files out/0 = 2, out/1 = 3
 * ```
 */
export const sliceInc = fn({ name: 'slice-inc', module: import.meta.url, inputs: { x: param(t.number) }, outputs: { y: param(t.number) } }, ({ x }) => ({ y: x + 1 }))

/** The floor: the per-slice work of {@link sliceInc} done `xs.length` times in one call. @example step('floor', floorInc, { xs }) */
export const floorInc = fn({ name: 'floor-inc', module: import.meta.url, inputs: { xs: param(t.array(t.number)) }, outputs: { n: param(t.number) } }, ({ xs }, ctx) => {
  const dir = join(ctx.workdir, 'out')
  mkdirSync(dir, { recursive: true })
  xs.forEach((x, i) => {
    const d = decodeParam(t.number, String(x))
    writeFileSync(join(dir, String(i)), String((d.ok ? d.value : 0) + 1))
  })
  return { n: xs.length }
})
