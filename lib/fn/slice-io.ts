import { existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { ArtifactShape, FnTemplate, IoSpec, SliceIo } from 'dflow-ts'
import { readShaped, shapeMismatch, writeShaped } from './shapes.ts'

/** The folder of a grouped call's slices, under its work folder (`dflow-slices/INDEX`). @example SLICES_DIR // 'dflow-slices' */
export const SLICES_DIR = 'dflow-slices'
/** The folder of a grouped call's stacked output artifacts (`dflow-stack/NAME/INDEX`). @example STACK_DIR // 'dflow-stack' */
export const STACK_DIR = 'dflow-stack'
/** The folder where a grouped call links each slice's part of a sliced list artifact (`dflow-parts/INDEX/NAME`). @example PARTS_DIR // 'dflow-parts' */
export const PARTS_DIR = 'dflow-parts'

/**
 * The I/O of a grouped call (see `SliceIo`) in the work folder `workdir`, its input artifacts at `staged`: slice i runs in
 * `dflow-slices/i`, and what it returns for output artifact NAME (of the OP `op`'s shape, relative to its
 * folder) is written as `dflow-stack/NAME/i` — the folder the call leaves as its artifact NAME. Slice i's part
 * of a sliced input artifact NAME is linked (by a relative link) as `dflow-parts/i/NAME` (named as an ungrouped call's staged
 * part: the input's name) and read in the OP's shape.
 *
 * @example
 * ```ts
 * sliceIo(op, '/w').folder(3) // '/w/dflow-slices/3'
 * ```
 */
export const sliceIo = (op: FnTemplate, workdir: string, staged: Readonly<Record<string, string | null>> = {}): SliceIo => {
  const outs = op.outputs as IoSpec
  const ins = op.inputs as IoSpec
  return {
    part: (name, index, part) => {
      const whole = staged[name]
      if (!whole) throw new Error(`input artifact "${name}": the call staged no artifact to take its part from`)
      const src = resolve(whole, part)
      if (!existsSync(src)) throw new Error(`input artifact "${name}": its part ${part} is not in the staged artifact`)
      const dir = join(workdir, PARTS_DIR, String(index))
      mkdirSync(dir, { recursive: true })
      const at = join(dir, name)
      // relative, so the link still holds where the folder is copied whole (a dispatcher job's folder, fetched back over SSH)
      if (!existsSync(at)) symlinkSync(relative(dir, src), at)
      return readShaped(at, (ins[name] as { shape?: ArtifactShape } | undefined)?.shape)
    },
    folder: (index) => {
      const dir = join(workdir, SLICES_DIR, String(index))
      mkdirSync(dir, { recursive: true })
      return dir
    },
    within: async (dir, f) => {
      const before = process.cwd()
      process.chdir(dir)
      try {
        return await f()
      } finally {
        process.chdir(before)
      }
    },
    place: (name, index, value, dir) => {
      const spec = outs[name]
      if (spec?._tag !== 'Artifact') throw new Error(`no output artifact "${name}"`)
      if (value === undefined || value === null) {
        if (!spec.optional) throw new Error(`output artifact "${name}": expected ${shapeMismatch(undefined, spec.shape) ?? 'a path'}, got nothing`)
        return false
      }
      const wrong = shapeMismatch(value, spec.shape as ArtifactShape | undefined)
      if (wrong) throw new Error(`output artifact "${name}": expected ${wrong}`)
      writeShaped(value, join(workdir, STACK_DIR, name, String(index)), spec.shape as ArtifactShape | undefined, dir)
      return true
    },
    stack: (name) => {
      const dir = join(workdir, STACK_DIR, name)
      mkdirSync(dir, { recursive: true })
      return dir
    },
  }
}
