/**
 * The artifact-store lines of `npm run bench` (issue 10): the S3 store against the SDK it is built on, side
 * by side in one run, with s3rver in a process of its own and the driver — this process — measured alone.
 *
 * - one 256 MiB file up through `store.put` (archive none) beside lib-storage's `Upload` of the same file
 *   with the same part size and queue size, and down through `store.get` beside a streamed `GetObject` to
 *   a file; target: the store at least 90% of the SDK's throughput both ways (the download as the store is
 *   configured by default, checked by ETag and length; the same with `verify: 'sha256'` is printed beside
 *   it, every byte hashed again, against GetObject again);
 * - the driver's RSS growth over the store's transfers of that file (sampled every 10 ms, from just before
 *   the first transfer), target under 64 MiB: nothing is held whole in memory;
 * - 10,000 small files (a 0.5–2 KiB each, 100 folders): `store.put` archived (tar+gzip, one object) beside one
 *   `tar czf` of them on the same disk, target at most 5x; and per object (archive none) beside a raw
 *   `PutObject` loop at the same concurrency (the store's queue size), target at least 90% of its throughput.
 *
 * Medians over the repetitions, the store and its baseline side by side in each: each runs twice per
 * repetition, on either side of the other (a b b a; b a a b on the next), after an untimed `sync`, and counts
 * the mean of its two runs; every repetition's figures are printed too, with the load average at its end (the machine may be
 * shared). Environment: BENCH_REPS (default 5), BENCH_QUICK=1 (32 MiB, 1,000 files, one repetition).
 *
 * @example
 * ```sh
 * node --conditions=source --import tsx bench/store.ts   # alone; npm run bench runs it too
 * ```
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { inWindow } from '../lib/concurrency/in-window.ts'
import { s3Client } from '../lib/storage/s3-client.ts'
import { s3Store, walkTree, type S3StoreOptions } from '../lib/storage/index.ts'
import { startS3rver, S3RVER_CREDENTIALS } from '../test/helpers/s3rver.ts'
import { median } from './lib/stats.ts'
import { fmt, table } from './lib/table.ts'
import { overall } from './lib/verdict.ts'
import { benchRoot } from './lib/temp.ts'

const MiB = 1024 * 1024
const PART = 8 * MiB
const QUEUE = 4

const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now()
  await f()
  return performance.now() - t0
}

/** The largest RSS seen while `f` runs, less the RSS just before it, in bytes. */
const rssGrowth = async (f: () => Promise<unknown>): Promise<number> => {
  const before = process.memoryUsage.rss()
  let peak = before
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10)
  try {
    await f()
  } finally {
    clearInterval(t)
  }
  return Math.max(peak, process.memoryUsage.rss()) - before
}

const bigFile = (path: string, bytes: number) => {
  const fd = openSync(path, 'w')
  for (let left = bytes; left > 0; left -= MiB) writeSync(fd, randomBytes(Math.min(MiB, left)))
  closeSync(fd)
}

const smallFiles = (dir: string, n: number) => {
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `d${String(i % 100).padStart(2, '0')}`)
    if (i < 100) mkdirSync(sub, { recursive: true })
    writeFileSync(join(sub, `f${i}.txt`), randomBytes(256 + (i % 768)).toString('hex'))
  }
}

/**
 * Runs the store lines and prints them; returns whether every target was met (undefined: not measured).
 *
 * @example await storeBench(root, 3, false) // prints the tables and MET / NOT MET per target
 */
export const storeBench = async (root: string, reps: number, quick: boolean): Promise<boolean | undefined> => {
  const size = (quick ? 32 : 256) * MiB
  const files = quick ? 1000 : 10_000
  console.log(`\nartifact stores: the S3 store beside the SDK it is built on (s3rver in its own process, loopback), ${reps} repetition(s)`)
  const dir = join(root, 'store-bench')
  mkdirSync(dir, { recursive: true })
  const s3 = await startS3rver(join(dir, 'data'))
  try {
    const o: S3StoreOptions = { bucket: 'artifacts', prefix: 'bench', endpoint: s3.endpoint, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, partSize: PART, queueSize: QUEUE }
    const store = s3Store(o)
    const hashing = s3Store({ ...o, verify: 'sha256' })
    const client = s3Client(o)
    const big = join(dir, 'big.bin')
    bigFile(big, size)
    const small = join(dir, 'small')
    smallFiles(small, files)
    const smallBytes = (await walkTree(small)).reduce((n, e) => n + e.size, 0)
    const t = new Map<string, number[]>()
    const add = (k: string, ms: number): void => void t.set(k, [...(t.get(k) ?? []), ms])
    const growth: number[] = []
    const sdkGrowth: number[] = []
    const loads: number[] = []
    let n = 0
    const sdkUpload = (key: string) =>
      new Upload({ client, params: { Bucket: 'artifacts', Key: key, Body: createReadStream(big) }, partSize: PART, queueSize: QUEUE }).done()
    const sdkDownload = async (key: string, to: string) => {
      const r = await client.send(new GetObjectCommand({ Bucket: 'artifacts', Key: key }))
      await pipeline(r.Body as Readable, createWriteStream(to))
    }
    const rawLoop = async (prefix: string) => {
      const entries = (await walkTree(small)).filter((e) => e.type === 'file')
      await inWindow(entries, QUEUE, (e) => client.send(new PutObjectCommand({ Bucket: 'artifacts', Key: `${prefix}/${e.rel}`, Body: readFileSync(join(small, e.rel)) })))
    }
    // Warm-up, untimed: the SDK's modules, connections, the page cache.
    await store.put(big, 'warm/big', { archive: 'none' })
    await sdkUpload('warm/sdk')
    for (let rep = 0; rep < reps; rep++) {
      process.stdout.write(`repetition ${rep + 1}/${reps} `)
      const k = n++
      const storeFirst = rep % 2 === 0
      /**
       * One line of the table, in this repetition: each side runs twice, on either side of the other (a b b a,
       * or b a a b on alternate repetitions), after a `sync` each (untimed: no run pays for the writeback of
       * the one before it), and its figure is the mean of its two runs — so neither side gains or loses by
       * its place in the order (with one run each, alternating, five repetitions put the store first three times).
       */
      type Side = readonly [key: string, run: (j: number) => Promise<void>]
      const both = async (aKey: string, a: Side[1], bKey: string, b: Side[1]) => {
        const [x, y]: Side[] = storeFirst ? [[aKey, a], [bKey, b]] : [[bKey, b], [aKey, a]]
        const one = ([, f]: Side, j: number) => (execFileSync('sync'), timed(() => f(j)))
        const x0 = await one(x!, 0)
        const y0 = await one(y!, 0)
        const y1 = await one(y!, 1)
        const x1 = await one(x!, 1)
        add(x![0], (x0 + x1) / 2)
        add(y![0], (y0 + y1) / 2)
        process.stdout.write('.')
      }
      let rss = 0
      let sdkRss = 0
      const tracked = async (f: () => Promise<unknown>, sdk: boolean) => {
        const g = await rssGrowth(f)
        if (sdk) sdkRss = Math.max(sdkRss, g)
        else rss = Math.max(rss, g)
      }
      await both(
        'store up',
        (j) => tracked(() => store.put(big, `big/${k}-${j}`, { archive: 'none' }), false),
        'sdk up',
        (j) => tracked(() => sdkUpload(`sdk/${k}-${j}`), true),
      )
      /** Downloads into a file of its own, removed after. */
      const into = async (name: string, f: (to: string) => Promise<unknown>) => {
        const to = join(dir, name)
        await f(to)
        rmSync(to)
      }
      await both(
        'store down',
        (j) => into(`got-${k}-${j}`, (to) => tracked(() => store.get(`big/${k}-${j}`, to), false)),
        'sdk down',
        (j) => into(`sdk-got-${k}-${j}`, (to) => tracked(() => sdkDownload(`sdk/${k}-${j}`, to), true)),
      )
      await both(
        'store down sha256',
        (j) => into(`got-sha-${k}-${j}`, (to) => hashing.get(`big/${k}-${j}`, to)),
        'sdk down again',
        (j) => into(`sdk-again-${k}-${j}`, (to) => sdkDownload(`sdk/${k}-${j}`, to)),
      )
      growth.push(rss)
      sdkGrowth.push(sdkRss)
      await both(
        'store tar',
        (j) => store.put(small, `small/tar/${k}-${j}`, { archive: 'tar' }).then(() => {}),
        'tar czf',
        async (j) => {
          const tgz = join(dir, `small-${k}-${j}.tgz`)
          execFileSync('tar', ['czf', tgz, '-C', dir, 'small'])
          rmSync(tgz)
        },
      )
      await both(
        'store objects',
        (j) => store.put(small, `small/none/${k}-${j}`, { archive: 'none' }).then(() => {}),
        'raw objects',
        (j) => rawLoop(`raw/${k}-${j}`),
      )
      loads.push(loadavg()[0] as number)
      process.stdout.write(` load ${fmt(loads[rep] as number, 1)}\n`)
    }
    await store.close()
    await hashing.close()
    client.destroy()
    const m = (k: string) => median(t.get(k) ?? [])
    const mibs = (bytes: number, ms: number) => bytes / MiB / (ms / 1000)
    const outcomes: (boolean | undefined)[] = []
    const said = (ok: boolean) => (outcomes.push(ok), ok ? 'MET' : 'NOT MET')
    const upRatio = m('sdk up') / m('store up')
    const downRatio = m('sdk down') / m('store down')
    const shaRatio = m('sdk down again') / m('store down sha256')
    const rss = Math.max(...growth)
    const tarRatio = m('store tar') / m('tar czf')
    const objRatio = m('raw objects') / m('store objects')
    const mb = (size / MiB).toFixed(0)
    console.log(
      `\n${table([
        ['transfer', 'store ms', 'store MiB/s', 'baseline', 'baseline ms', 'baseline MiB/s', 'store / baseline throughput'],
        [`upload ${mb} MiB`, fmt(m('store up'), 0), fmt(mibs(size, m('store up')), 1), `lib-storage Upload ${PART / MiB} MiB x ${QUEUE}`, fmt(m('sdk up'), 0), fmt(mibs(size, m('sdk up')), 1), `${fmt(upRatio * 100, 0)}%`],
        [`download ${mb} MiB`, fmt(m('store down'), 0), fmt(mibs(size, m('store down')), 1), 'GetObject streamed to a file', fmt(m('sdk down'), 0), fmt(mibs(size, m('sdk down')), 1), `${fmt(downRatio * 100, 0)}%`],
        [`download, verify sha256`, fmt(m('store down sha256'), 0), fmt(mibs(size, m('store down sha256')), 1), 'GetObject streamed to a file', fmt(m('sdk down again'), 0), fmt(mibs(size, m('sdk down again')), 1), `${fmt(shaRatio * 100, 0)}%`],
        [`${files} files archived`, fmt(m('store tar'), 0), fmt(mibs(smallBytes, m('store tar')), 1), 'tar czf, same disk', fmt(m('tar czf'), 0), fmt(mibs(smallBytes, m('tar czf')), 1), `${fmt(tarRatio, 2)}x the time`],
        [`${files} files per object`, fmt(m('store objects'), 0), fmt(files / (m('store objects') / 1000), 0) + ' obj/s', `PutObject loop, ${QUEUE} at once`, fmt(m('raw objects'), 0), fmt(files / (m('raw objects') / 1000), 0) + ' obj/s', `${fmt(objRatio * 100, 0)}%`],
      ])}`,
    )
    // Every repetition, with the 1-minute load average at its end: the medians above are of these.
    const pct = (a: string, b: string, i: number) => `${fmt(((t.get(b)?.[i] ?? NaN) / (t.get(a)?.[i] ?? NaN)) * 100, 0)}%`
    console.log('per repetition (store ms / baseline ms, store throughput as a share of the baseline\'s; load average at its end):')
    for (let i = 0; i < reps; i++) {
      const ms = (k: string) => fmt(t.get(k)?.[i] ?? NaN, 0)
      console.log(
        `  ${i + 1} (load ${fmt(loads[i] as number, 1)}): upload ${ms('store up')}/${ms('sdk up')} ${pct('store up', 'sdk up', i)}; download ${ms('store down')}/${ms('sdk down')} ${pct('store down', 'sdk down', i)} (sha256 ${ms('store down sha256')}/${ms('sdk down again')} ${pct('store down sha256', 'sdk down again', i)}); archived ${ms('store tar')}/${ms('tar czf')} ${fmt((t.get('store tar')?.[i] ?? NaN) / (t.get('tar czf')?.[i] ?? NaN), 2)}x; per object ${ms('store objects')}/${ms('raw objects')} ${pct('store objects', 'raw objects', i)}; RSS growth ${fmt((growth[i] ?? NaN) / MiB, 1)} MiB (SDK ${fmt((sdkGrowth[i] ?? NaN) / MiB, 1)} MiB)`,
      )
    }
    console.log(`driver RSS growth over the store's transfers of the ${mb} MiB file: ${fmt(rss / MiB, 1)} MiB, the largest of the repetitions (the SDK's own transfers: ${fmt(Math.max(...sdkGrowth) / MiB, 1)} MiB)`)
    console.log('targets for the S3 store:')
    // one decimal in the verdicts: a share printed "90%" must not read NOT MET
    console.log(`  upload >= 90% of lib-storage's throughput: ${fmt(upRatio * 100, 1)}%: ${said(upRatio >= 0.9)}`)
    console.log(`  download >= 90% of a streamed GetObject's: ${fmt(downRatio * 100, 1)}%: ${said(downRatio >= 0.9)}`)
    console.log(`  (not a target: the download with verify: 'sha256', every byte hashed again: ${fmt(shaRatio * 100, 1)}%)`)
    console.log(`  driver RSS growth < 64 MiB: ${fmt(rss / MiB, 1)} MiB: ${said(rss < 64 * MiB)}`)
    console.log(`  ${files} files archived <= 5x tar czf: ${fmt(tarRatio, 2)}x: ${said(tarRatio <= 5)}`)
    console.log(`  ${files} files per object >= 90% of a PutObject loop: ${fmt(objRatio * 100, 1)}%: ${said(objRatio >= 0.9)}`)
    console.log(`  overall: ${overall(outcomes, [])}`)
    return outcomes.every((x) => x === true)
  } finally {
    await s3.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.env['BENCH_QUICK'] === '1'
  const reps = quick ? 1 : Math.max(1, Number(process.env['BENCH_REPS'] ?? 5) || 5)
  await storeBench(benchRoot(), reps, quick)
}
