/**
 * Catalogs in dflow's format (lib/storage/catalog.ts), checked against sample catalogs that Python dflow
 * itself wrote (test/fixtures/dflow-catalogs/, made by its generate.py): dflow-ts writes the same bytes for
 * the same paths, and reads dflow's catalogs — several files unioned, as a fan-out leaves them — into the
 * same path object dflow assembles.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assemble, catalogOrders, catalogText, mergeItem, parseCatalog, readCatalog, type PathTree } from '../../lib/storage/catalog.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('storage: catalogs in dflow format')
const tmp = tempDir('catalog')
test.after(tmp.cleanup)
const fixtures = fileURLToPath(new URL('../fixtures/dflow-catalogs/', import.meta.url))
const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()
const catalogs = (name: string) =>
  readdirSync(join(fixtures, name))
    .filter((f) => /^catalog-\d+\.json$/.test(f))
    .sort()
const expected = (name: string) => JSON.parse(readFileSync(join(fixtures, name, 'assembled.json'), 'utf8')) as { given: PathTree | string; assembled: PathTree }

test('the samples cover one path, lists, records, nested records, a missing item, non-ASCII names and a fan-out', () => {
  assert.equal(cases, ['list', 'list-of-lists', 'nested', 'non-ascii', 'record', 'single', 'slices', 'with-null'])
})

for (const name of cases) {
  test(`${name}: every catalog file parses, and printing it again gives dflow's bytes`, () => {
    for (const f of catalogs(name)) {
      const text = readFileSync(join(fixtures, name, f), 'utf8')
      assert.is(catalogText(parseCatalog(text)), text)
    }
  })

  test(`${name}: read from an artifact folder, the catalog assembles to what dflow assembled`, async () => {
    const root = join(tmp.path, name)
    mkdirSync(join(root, '.dflow'), { recursive: true })
    for (const f of catalogs(name)) copyFileSync(join(fixtures, name, f), join(root, '.dflow', f))
    const items = await readCatalog(root)
    assert.ok(items)
    assert.equal(assemble(items ?? []), expected(name).assembled)
    assert.equal(assemble(items ?? [], '/in'), JSON.parse(JSON.stringify(expected(name).assembled), (_k, v: unknown) => (typeof v === 'string' ? `/in/${v}` : v)))
  })
}

for (const name of cases.filter((c) => c !== 'slices'))
  test(`${name}: the catalog dflow-ts writes for the paths dflow was given is dflow's, byte for byte`, () => {
    const items = catalogOrders(expected(name).given as PathTree)
      .filter(([, p]) => p !== null) // dflow leaves a missing path out of an upload
      .map(([order, p]) => ({ dflow_list_item: p, order }))
    assert.is(catalogText(items), readFileSync(join(fixtures, name, 'catalog-0.json'), 'utf8'))
  })

test('union of catalogs: a repeated item counts once, a non-null item fills a null one of its order, a null adds nothing', () => {
  let items = mergeItem([], { dflow_list_item: null, order: 0 })
  items = mergeItem(items, { dflow_list_item: 'a', order: 0 })
  items = mergeItem(items, { dflow_list_item: 'a', order: 0 })
  items = mergeItem(items, { dflow_list_item: null, order: 0 })
  items = mergeItem(items, { dflow_list_item: 'b', order: 0 })
  assert.equal(items, [
    { dflow_list_item: 'a', order: 0 },
    { dflow_list_item: 'b', order: 0 },
  ])
})

test('a folder without a catalog has none; a catalog file that is not one is an error naming it', async () => {
  assert.is(await readCatalog(join(tmp.path, 'nowhere')), undefined)
  const root = join(tmp.path, 'bad')
  mkdirSync(join(root, '.dflow'), { recursive: true })
  const { writeFileSync } = await import('node:fs')
  writeFileSync(join(root, '.dflow', 'x'), '{"paths": []}')
  const e = await readCatalog(root).catch((x: unknown) => x as Error)
  assert.instance(e, Error)
  assert.match((e as Error).message, join(root, '.dflow', 'x'))
  assert.match((e as Error).message, 'not a dflow catalog')
})

test.run()
