import { existsSync } from 'node:fs'
import { cp, mkdir, rename, rm, symlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { decodeParam, type IoSpec, type LeafTemplate } from 'dflow-ts'
import type { LeafResult } from '../engine/executor.ts'
import type { Value } from '../engine/values.ts'
import { PRIVATE_DIR, type RunLayout } from '../run/layout.ts'
import { storageMessage } from '../run/storage-error.ts'
import type { ArtifactLocation } from '../storage/location.ts'
import type { StoreSet } from '../storage/store-set.ts'
import type { ArtifactStore } from '../storage/store.ts'
import type { StepFolders } from './folders.ts'
import { localPath } from './paths.ts'

/**
 * Preparing a leaf step's work folder, shared by every executor that runs a step from a folder of the run
 * (the local one runs it in place; the dispatcher's runs it as a batch job, here or after copying it to a
 * remote folder): its input parameters checked, its folders made, its input artifacts staged.
 *
 * @example
 * ```ts
 * const ctx: PrepareContext = { layout, folders: stepFolders(layout), stage: 'copy' }
 * ```
 */
export interface PrepareContext {
  readonly layout: RunLayout
  /** Makes step folders (ahead of need where the run knows what comes next). */
  readonly folders: StepFolders
  readonly stage: 'symlink' | 'copy'
  /** Where input locations without a local `.path` are fetched from: the run's store, or the store they name. */
  readonly stores: StoreSet
}

/** A result for a step that could not run. @example errorResult('input artifact "foo": /x does not exist') */
export const errorResult = (message: string, exitCode?: number): LeafResult => ({
  phase: 'Error',
  outputs: {},
  record: { parameters: {}, values: {}, artifacts: {} },
  message,
  ...(exitCode !== undefined ? { exitCode } : {}),
})

/** Stages input artifacts (asynchronously: see {@link prepareLeaf}); returns the path each one has for the step. @example await stageInputs('hello1', duplicate, inputs, ctx) // { foo: '…/steps/hello1/inputs/artifacts/foo' } */
export const stageInputs = async (id: string, t: LeafTemplate, inputs: Readonly<Record<string, Value>>, ctx: PrepareContext): Promise<Record<string, string>> => {
  const staged: Record<string, string> = {}
  const links: [string, string][] = []
  const fetches: [string, ArtifactLocation, string][] = []
  for (const [name, v] of Object.entries(inputs)) {
    if (v.kind === 'param') continue
    if (v.at === null) {
      staged[name] = ''
      continue
    }
    const dst = localPath(ctx.layout, id, 'inputs', 'artifacts', name, (t.inputs as IoSpec)[name]!.path)
    staged[name] = dst
    // A location on this machine is linked (or copied) in place; any other is fetched from its store.
    if (v.at.path === undefined) {
      fetches.push([name, v.at, dst])
      continue
    }
    if (!existsSync(v.at.path)) throw new Error(`input artifact "${name}": ${v.at.path} does not exist`)
    links.push([v.at.path, dst])
  }
  await Promise.all([...new Set(links.map(([, dst]) => dirname(dst)))].map((d) => mkdir(d, { recursive: true, mode: PRIVATE_DIR })))
  await Promise.all([
    ...links.map(([src, dst]) => (ctx.stage === 'copy' ? cp(src, dst, { recursive: true }) : symlink(src, dst))),
    ...fetches.map(async ([name, at, dst]) => {
      try {
        const [store, here] = ctx.stores.holding(at)
        if (at.part === undefined) await store.get(here, dst)
        else await getPart(store, here, at.part, dst)
      } catch (e) {
        throw new Error(`input artifact "${name}": ${(e as Error).message}`)
      }
    }),
  ])
  return staged
}

/** A part of a stored artifact (a slice's, see `ArtifactLocation.part`): the artifact fetched beside `dst`, its part moved to `dst`. */
const getPart = async (store: ArtifactStore, at: ArtifactLocation, part: string, dst: string): Promise<void> => {
  const whole = `${dst}.whole`
  try {
    await store.get({ store: at.store, key: at.key }, whole)
    await rename(join(whole, part), dst)
  } finally {
    await rm(whole, { recursive: true, force: true })
  }
}

/**
 * Where each output of a step is read from once it ended (see {@link localPath}).
 *
 * @example
 * ```ts
 * outputPaths(layout, 'hello1', duplicate) // { msg: '…/steps/hello1/workdir/result.txt', bar: '…/steps/hello1/workdir/bar.txt' }
 * ```
 */
export const outputPaths = (layout: RunLayout, id: string, t: LeafTemplate): Record<string, string> =>
  Object.fromEntries(Object.entries(t.outputs as IoSpec).map(([name, s]) => [name, localPath(layout, id, 'outputs', s._tag === 'Param' ? 'parameters' : 'artifacts', name, s.path)]))

/**
 * The folders a step's outputs are written in, beside its work folder: made before it runs (ahead of need
 * where the run warms the step's folders; `paths` are its {@link outputPaths}, if known). A `stdout()` output is read from the step's stdout file, never
 * from its path, and needs none.
 *
 * @example
 * ```ts
 * outputFolders(layout, 'inc', importedInc) // ['…/steps/inc/workdir/tmp'] for an output at /tmp/y.txt
 * ```
 */
export const outputFolders = (layout: RunLayout, id: string, t: LeafTemplate, paths: Readonly<Record<string, string>> = outputPaths(layout, id, t)): readonly string[] => {
  const dirs = new Set(Object.entries(paths).flatMap(([name, p]) => {
    const spec = (t.outputs as IoSpec)[name]
    return spec?._tag === 'Param' && spec.stdout ? [] : [dirname(p)]
  }))
  dirs.delete(layout.workdir(id))
  return [...dirs]
}

/** A leaf ready to launch: its work folder, staged inputs and output paths. @example const p: PreparedLeaf = { workdir: '/runs/x/steps/a/workdir', staged: {}, outPaths: {} } */
export interface PreparedLeaf {
  readonly workdir: string
  readonly staged: Readonly<Record<string, string>>
  readonly outPaths: Readonly<Record<string, string>>
}

/**
 * Checks the input parameters, takes the step's folders (see {@link StepFolders}), makes the output
 * folders and stages input artifacts; or says why the step errors. Asynchronous on purpose: creating a
 * folder or a link costs up to a millisecond on some disks, and in a fan-out the thread pool does it for
 * waiting steps while running ones are being spawned.
 *
 * @example
 * ```ts
 * const p = await prepareLeaf('hello1', duplicate, inputs, ctx) // { workdir, staged, outPaths } or a LeafResult
 * ```
 */
export const prepareLeaf = async (id: string, t: LeafTemplate, inputs: Readonly<Record<string, Value>>, ctx: PrepareContext): Promise<PreparedLeaf | LeafResult> => {
  for (const [name, v] of Object.entries(inputs)) {
    const spec = (t.inputs as IoSpec)[name]
    if (spec?._tag === 'Param' && v.kind === 'param') {
      const d = decodeParam(spec.codec, v.wire)
      if (!d.ok) return errorResult(`input parameter "${name}": ${d.message}`)
    }
  }
  const { layout } = ctx
  const workdir = layout.workdir(id)
  const outPaths = outputPaths(layout, id, t)
  try {
    // the output folders with the step's own (those the run warmed already, on the critical path no more)
    await ctx.folders.take(id, outputFolders(layout, id, t, outPaths))
    return { workdir, staged: await stageInputs(id, t, inputs, ctx), outPaths }
  } catch (e) {
    return errorResult(storageMessage(e))
  }
}

