import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { expr, jsonPathProblem, parseJsonPath, t } from 'dflow-ts'
import { readVar } from '../../lib/engine/control.ts'
import { evaluate, EvalError } from '../../lib/engine/expr-eval.ts'
import { queryJsonPath } from '../../lib/engine/jsonpath.ts'
import { parseLang } from '../../lib/argo/import/expr-lang.ts'
import { evalLang } from '../../lib/argo/import/expr-lang-eval.ts'
import { printExpr } from '../../lib/argo/expr-print.ts'
import { problemOf } from './problem-of.ts'
import { argoPath } from './table.ts'

/*
 * Paths and documents with what Argo's jsonpath() gives (github.com/evilmonkeyinc/jsonpath v0.8.1). Most rows
 * are the library's own consensus tests (its test/*_test.go and test/README.md, "actual" column: the results,
 * and which rows are errors); that suite compares lists without their order, so the order here is the one
 * its token sources give (token/wildcard.go, recursive.go, union.go, range.go, filter.go: maps in key order,
 * `..` the node before its children). Rows marked "derived" are read from those sources, not from a test.
 */
const BOOKS = ['first', 'second', 'third', 'forth', 'fifth']
const MIXED = [{ key: 0 }, { key: 42 }, { key: -1 }, { key: 41 }, { key: 43 }, { key: 42.0001 }, { key: 41.9999 }, { key: 100 }, { key: '43' }, { key: '42' }, { key: '41' }, { key: 'value' }, { some: 'value' }]
const KINDS = [{ some: 'some value' }, { key: true }, { key: false }, { key: null }, { key: 'value' }, { key: '' }, { key: 0 }, { key: 1 }, { key: -1 }, { key: 42 }, { key: {} }, { key: [] }]
const EMPLOYEES = { employees: [{ name: 'Baris', age: 43 }, { name: 'Mo', age: 42 }, { name: 'Jai', age: 44 }] }
const PAIRS = [{ key1: 10, key2: 10 }, { key1: 42, key2: 50 }, { key1: 10 }, { key2: 10 }, {}, { key1: null, key2: null }, { key1: null }, { key2: null }, { key1: 0, key2: 0 }, { key1: 0 }, { key2: 0 }, { key1: -1, key2: -1 }, { key1: '', key2: '' }, { key1: false, key2: false }, { key1: false }, { key2: false }, { key1: true, key2: true }, { key1: [], key2: [] }, { key1: {}, key2: {} }, { key1: { a: 1, b: 2 }, key2: { b: 2, a: 1 } }]
const CD = [{ c: 'cc1', d: 'dd1', e: 'ee1' }, { c: 'cc2', d: 'dd2', e: 'ee2' }]

type Row = readonly [path: string, doc: unknown, want: unknown] | readonly [path: string, doc: unknown, want: { readonly error: RegExp }]

const ROWS: readonly Row[] = [
  // ranges (test/array_test.go)
  ['$[1:3]', BOOKS, ['second', 'third']],
  ['$[7:10]', ['first', 'second', 'third'], []],
  ['$[1:3]', { ':': 42, more: 'string', a: 1 }, { error: /range: expected a list, got map/ }],
  ['$[2:113667776004]', BOOKS, ['third', 'forth', 'fifth']],
  ['$[-113667776004:2]', BOOKS, ['first', 'second']],
  ['$[113667776004:2:-1]', BOOKS, []],
  ['$[-4:-3]', [2, 'a', 4, 5, 100, 'nice'], [4]],
  ['$[-4:1]', [2, 'a', 4, 5, 100, 'nice'], []],
  ['$[3:-2]', [2, 'a', 4, 5, 100, 'nice'], [5]],
  ['$[0:3:-2]', BOOKS, ['third', 'first']],
  ['$[::-2]', BOOKS, ['fifth', 'third', 'first']],
  ['$[3::-1]', BOOKS, ['fifth', 'forth']],
  ['$[:2:-1]', BOOKS, ['second', 'first']],
  ['$[:]', ['first', 'second'], ['first', 'second']],
  ['$[::]', ['first', 'second'], ['first', 'second']],
  ['$[-1:]', ['first', 'second', 'third'], ['third']],
  ['$[010:024:010]', Array.from({ length: 26 }, (_, i) => i), [10, 20]],
  ['$[::2]', BOOKS, ['first', 'third', 'fifth']],
  ['$[1:3:]', BOOKS, ['second', 'third']],
  // keys and indices (test/bracket_test.go, test/dot_test.go)
  ["$['key']", { key: 'value' }, 'value'],
  ["$['missing']", { key: 'value' }, { error: /key 'missing' not found/ }],
  ["$['two.some']", { one: { key: 'value' }, two: { some: 'more' }, 'two.some': '42' }, '42'],
  ['$["key"]', { key: 'value' }, 'value'],
  ["$['']", { '': 42, "''": 123 }, 42],
  ['$[""]', { '': 42, "''": 123 }, 42],
  ['$[-2]', ['one element'], { error: /out of range/ }],
  ['$[2]', BOOKS, 'third'],
  ['$[0]', { '0': 'value' }, { error: /expected a list, got map/ }],
  ['$[-1]', ['first', 'second', 'third'], 'third'],
  ['$[-1]', [], { error: /out of range/ }],
  ["$[':']", { ':': 'value', another: 'entry' }, 'value'],
  ["$['@']", { '@': 'value' }, 'value'],
  ["$['*']", { '*': 'value', another: 'entry' }, 'value'],
  ["$['*']", { another: 'entry' }, { error: /key '\*' not found/ }],
  ["$[ 'a' ]", { ' a': 1, a: 2, ' a ': 3 }, 2],
  ["$['0']", { '0': 'value' }, 'value'],
  ['$.key', [0, 1], { error: /expected a map, got list/ }],
  ['$.key', { key: null }, null],
  ['$.key', { key: {} }, {}],
  ['$.missing', { key: 'value' }, { error: /key 'missing' not found/ }],
  ['$.key-dash', { key: 42, 'key-': 43, dash: 45, 'key-dash': 'value' }, 'value'],
  ['$.in', { in: 'value' }, 'value'],
  ['$.null', { null: 'value' }, 'value'],
  ['$.2', { a: 'first', '2': 'second' }, 'second'],
  ['$.-1', BOOKS, { error: /expected a map, got list/ }],
  // .length (test/dot_test.go; token/length.go: a string's length is its bytes — derived)
  ['$.length', { length: 'value' }, 'value'],
  ['$.length', [4, 5, 6], 3],
  ['$.a.length', { a: { x: 1, y: 2 } }, 2],
  ['$.s.length', { s: 'é' }, 2],
  ['$.n.length', { n: 7 }, { error: /\.length: expected a list, a map or a string/ }],
  // wildcards (a list always; nothing flattened)
  ['$[*]', ['string', 42, { key: 'value' }, [0, 1]], ['string', 42, { key: 'value' }, [0, 1]]],
  ['$[*]', [], []],
  ['$[*]', {}, []],
  ['$[*]', [40, null, 42], [40, null, 42]],
  ['$[*]', { some: 'string', int: 42, object: { key: 'value' }, array: [0, 1] }, [[0, 1], 42, { key: 'value' }, 'string']],
  ['$.*', { some: 'string', int: 42, object: { key: 'value' }, array: [0, 1] }, [[0, 1], 42, { key: 'value' }, 'string']],
  ['$.*[1]', [[1], [2, 3]], [3]],
  ['$[0:2][*]', [[1, 2], ['a', 'b'], [0, 0]], [[1, 2], ['a', 'b']]],
  ['$[*].bar[*]', [{ bar: [42] }], [[42]]],
  ['$.*.*', [[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]],
  ['$[*].a', [{ a: 1 }, { b: 1 }], [1]],
  ['$.x.*', { x: 3 }, { error: /\*: expected a list or a map, got number/ }],
  // recursive descent
  ['$..[0]', ['first', { key: ['first nested', { more: [{ nested: ['deepest', 'second'] }, ['more', 'values']] }] }], ['first', 'first nested', { nested: ['deepest', 'second'] }, 'deepest', 'more']],
  ['$..[*]', { key: 'value', 'another key': { complex: 'string', primitives: [0, 1] } }, [{ complex: 'string', primitives: [0, 1] }, 'value', 'string', [0, 1], 0, 1]],
  ['$..[1].key', { k: [{ key: 'some value' }, { key: 42 }], kk: [[{ key: 100 }, { key: 200 }, { key: 300 }], [{ key: 400 }, { key: 500 }, { key: 600 }]], key: [0, 1] }, [42, 200, 500]],
  ['$..key', { object: { key: 'value', array: [{ key: 'something' }, { key: { key: 'russian dolls' } }] }, key: 'top' }, ['top', 'value', 'something', { key: 'russian dolls' }, 'russian dolls']],
  ['$.store..price', { store: { book: [{ price: 8.95 }, { price: 12.99 }, { isbn: 'x', price: 8.99 }, { price: 22.99 }], bicycle: { color: 'red', price: 19.95 } } }, [19.95, 8.95, 12.99, 8.99, 22.99]],
  ['$..*', [40, null, 42], [40, null, 42]],
  ['$..*', 42, []],
  ['$..a', { a: [1, 2], b: { a: 3 } }, [1, 2, 3]], // derived: a list found is spliced in (recursive.go)
  ["$..['c','d']", [{ c: 'cc1', d: 'dd1', e: 'ee1' }, { c: 'cc2', child: { d: 'dd2' } }, { c: 'cc3' }, { d: 'dd4' }, { child: { c: 'cc5' } }], ['cc1', 'dd1', 'cc2', 'dd2', 'cc3', 'dd4', 'cc5']],
  // unions (test/union_test.go)
  ['$[0,1]', ['first', 'second', 'third'], ['first', 'second']],
  ['$[0,0]', ['a'], ['a', 'a']],
  ["$['a','a']", { a: 1 }, [1, 1]],
  ["$['key','another']", { key: 'value', another: 'entry' }, ['value', 'entry']],
  ["$['missing','key']", { key: 'value', another: 'entry' }, ['value']],
  ["$[:]['c','d']", CD, [['cc1', 'dd1'], ['cc2', 'dd2']]],
  ["$[0]['c','d']", CD, ['cc1', 'dd1']],
  ["$.*['c','d']", CD, [['cc1', 'dd1'], ['cc2', 'dd2']]],
  ['$[4,1]', [1, 2, 3, 4, 5], [5, 2]],
  ['$[ 0 , 1 ]', ['first', 'second', 'third'], ['first', 'second']],
  ['$[0,2].key', [{ key: 'ey' }, { key: 'bee' }, { key: 'see' }], ['ey', 'see']],
  ["$['one','three'].key", { one: { key: 'value' }, two: { k: 'v' }, three: { some: 'more', key: 'other value' } }, ['value', 'other value']],
  ['$[0,5]', [1, 2], [1]], // derived: an index out of range in a union is left out (union.go)
  ['$[0:2].key', [{ key: 'ey' }, { key: 'bee' }, { key: 'see' }], ['ey', 'bee']],
  ['$[0:2][1]', ['a', 'b', 'c'], 'b'], // derived: an index after a range indexes the list it picked (range.go)
  // filters (test/filter_test.go)
  ['$[?(@.key)]', { key: 42, another: { key: 1 } }, [{ key: 1 }]],
  ['$[?(@.key)]', KINDS, [{ key: true }, { key: 'value' }, { key: 1 }, { key: -1 }, { key: 42 }]],
  ['$.*[?(@.key)]', [{ some: 'some value' }, { key: 'value' }], [[], []]],
  ['$..[?(@.id==2)]', { id: 2, more: [{ id: 2 }, { more: { id: 2 } }, { id: { id: 2 } }, [{ id: 2 }]] }, [{ id: 2 }, { id: 2 }, { id: 2 }, { id: 2 }]],
  ['$[?(@.key>42 && @.key<44)]', [{ key: 42 }, { key: 43 }, { key: 44 }], [{ key: 43 }]],
  ['$[?(@.key>43 || @.key<43)]', [{ key: 42 }, { key: 43 }, { key: 44 }], [{ key: 42 }, { key: 44 }]],
  ["$[?(@['key']==42)]", [{ key: 0 }, { key: 42 }, { key: 42.0001 }, { some: 'value' }], [{ key: 42 }]],
  ["$[?(@['@key']==42)]", [{ '@key': 0 }, { '@key': 42 }, { key: 42 }, { some: 'value' }], [{ '@key': 42 }]],
  ['$[?(@[-1]==2)]', [[2, 3], ['a'], [0, 2], [2]], [[0, 2], [2]]],
  ["$[?(@[1]=='b')]", [['a', 'b'], ['x', 'y']], [['a', 'b']]],
  ["$[?(@[1]=='b')]", { '1': ['a', 'b'], '2': ['x', 'y'] }, [['a', 'b']]],
  ['$[?(@)]', ['some value', null, 'value', 0, 1, -1, '', [], {}, false, true], ['some value', 'value', 1, -1, true]],
  ["$[?(@.2 == 'second')]", [{ a: 'first', '2': 'second', b: 'third' }], [{ a: 'first', '2': 'second', b: 'third' }]],
  ["$[?(@.2 == 'third')]", [BOOKS], []],
  ['$[?(@.key==42)]', [...MIXED, { key: null }, { key: [42] }, { key: { key: 42 } }], [{ key: 42 }]],
  ['$[?(@==42)]', [0, 42, -1, 41, 43, 42.0001, 41.9999, null, 100], [42]],
  ['$[?(@.key==43)]', [{ key: 42 }], []],
  ['$[?(@.key==42)]', { a: { key: 0 }, b: { key: 42 }, c: { key: -1 }, i: { some: 'value' } }, [{ key: 42 }]],
  ['$[?(@.id==2)]', { id: 2 }, []],
  ['$[?(@.key==false)]', KINDS, [{ key: false }]],
  ['$[?(@.key==null)]', KINDS, [{ key: null }]],
  ['$[?(@.key==true)]', KINDS, [{ key: true }]],
  ['$[?(@.key==010)]', [{ key: '010' }, { key: '10' }, { key: 10 }, { key: 0 }, { key: 8 }], [{ key: 10 }]],
  ['$[?(@.key=="value")]', [{ key: 'some' }, { key: 'value' }, { key: null }, { key: 0 }, { key: '' }, { key: 'valuemore' }, { key: ['value'] }, { key: { key: 'value' } }, { some: 'value' }], [{ key: 'value' }]],
  ['$[?(@.key=="hi@example.com")]', [{ key: 'some' }, { key: 'hi@example.com' }], [{ key: 'hi@example.com' }]],
  ['$[?(@.key=="some.value")]', [{ key: 'some' }, { key: 'some.value' }], [{ key: 'some.value' }]],
  ["$[?(@.key=='value')]", [{ key: 'some' }, { key: 'value' }], [{ key: 'value' }]],
  ['$[?(@.key1==@.key2)]', PAIRS, [PAIRS[0], PAIRS[5], PAIRS[8], PAIRS[11], PAIRS[12], PAIRS[13], PAIRS[16], PAIRS[17], PAIRS[18], PAIRS[19]]],
  ['$[?(@.key>42)]', MIXED, [{ key: 43 }, { key: 42.0001 }, { key: 100 }]],
  ['$[?(@.key>=42)]', MIXED, [{ key: 42 }, { key: 43 }, { key: 42.0001 }, { key: 100 }]],
  ['$[?(@.key<42)]', MIXED, [{ key: 0 }, { key: -1 }, { key: 41 }, { key: 41.9999 }]],
  ['$[?(@.key<=42)]', MIXED, [{ key: 0 }, { key: 42 }, { key: -1 }, { key: 41 }, { key: 41.9999 }]],
  ['$[?(@.key!=42)]', MIXED, MIXED.filter((m) => m.key !== 42 && 'key' in m)],
  ["$[?(@.address.city=='Berlin')]", [{ address: { city: 'Berlin' } }, { address: { city: 'London' } }], [{ address: { city: 'Berlin' } }]],
  ['$.items[?(@.key==42)]', { items: [{ key: 10 }, { key: 42 }, { key: 50 }] }, [{ key: 42 }]],
  // filters, derived from the sources: || and && evaluate both sides, and a failing side leaves the element out
  ['$[?(@.a == 1 || @.b == 2)]', [{ a: 1, b: 0 }, { b: 2 }, { a: 1 }, { a: 0, b: 2 }], [{ a: 1, b: 0 }, { a: 0, b: 2 }]],
  ['$[?(@.a < "b")]', [{ a: 'a' }, { a: 1 }], []],
  ['$[?(@.a == -1.5)].a', [{ a: -1.5 }, { a: '-1.5' }, { a: 1.5 }], [-1.5]],
  ['$[?(@.k == "x")]', [{ k: "'x'" }, { k: 'x' }, { k: '"x"' }], [{ k: "'x'" }, { k: 'x' }]],
  ['$[?(@.name =~ "^B")].name', EMPLOYEES.employees, ['Baris']],
  ['$[?(@.age =~ "4$")].name', EMPLOYEES.employees, ['Jai']],
  ['$[?(@.age > 42)][0]', EMPLOYEES.employees, { name: 'Baris', age: 43 }],
  ['$[?(@.age > 50)][0]', EMPLOYEES.employees, { error: /out of range/ }],
  ['$.employees[?(@.age > 42)].length', EMPLOYEES, [2, 2]], // derived: .length after a filter goes to each element (filter.go)
  ['$.employees.length', EMPLOYEES, 3],
  ['$.x[?(@ > 1)]', { x: 5 }, { error: /a filter: expected a list or a map, got number/ }],
  // Argo's example expression-destructure-json-complex.yaml
  ['$.employees[?(@.name=="Baris")].age', EMPLOYEES, [43]],
  ['$.employees[?(@.age>42 && @.age<44)].age', EMPLOYEES, [43]],
  ['$.employees[0:1]', EMPLOYEES, [{ name: 'Baris', age: 43 }]],
  ['$.employees[*].name', EMPLOYEES, ['Baris', 'Mo', 'Jai']],
  // the document itself (test/misc_test.go)
  ['$', { key: 'value' }, { key: 'value' }],
  ['$', 42, 42],
  ['$', false, false],
]

const errorOf = (w: unknown): RegExp | undefined => (typeof w === 'object' && w !== null && 'error' in w && w.error instanceof RegExp ? w.error : undefined)
const wantText = (w: unknown): string => (errorOf(w) ? `an error ${errorOf(w)}` : JSON.stringify(w))

const ref = (name: string) => ({ _tag: 'ParamRef' as const, source: { kind: 'workflow' as const }, name, codec: t.string })

for (const [path, doc, want] of ROWS) {
  test(`jsonpath ${path} of ${JSON.stringify(doc).slice(0, 60)} is ${wantText(want)}, in both evaluators`, () => {
    const text = JSON.stringify(doc)
    const parsed = parseLang('jsonpath(workflow.parameters.doc, workflow.parameters.path)', ['x'], (n) => ref(n) as never)
    const wires = parsed.refs.map((r) => (r.name.endsWith('doc') ? text : path))
    const dsl = () => evaluate(expr`jsonpath(${text}, ${path})`, readVar({ steps: new Map(), inputs: {}, params: {} }))
    const argo = () => evalLang(parsed.root, wires)
    const error = errorOf(want)
    if (error) {
      for (const f of [() => queryJsonPath(doc, path), dsl, argo]) assert.throws(f, (e: Error) => e instanceof EvalError && error.test(e.message))
    } else {
      assert.equal(queryJsonPath(doc, path), want)
      assert.equal(dsl(), want)
      assert.equal(argo(), want)
    }
  })
}

test('what the DSL reads prints to Argo as jsonpath(…, \'path\') that Argo reads the same way (the importer reading the printed text)', () => {
  const doc = { _tag: 'ParamRef' as const, source: { kind: 'input' as const }, name: 'doc', codec: t.string }
  for (const [path, value, want] of ROWS) {
    if (errorOf(want)) continue
    const printed = printExpr(expr`jsonpath(${doc}, ${path})`, argoPath)
    assert.ok(printed.startsWith("jsonpath(inputs.parameters['doc'], '"), printed)
    const parsed = parseLang(printed, ['x'], (n) => ref(n) as never)
    assert.equal(evalLang(parsed.root, [JSON.stringify(value)]), want, printed)
  }
})

/** Paths outside the grammar: each refused, naming where and what is not read (the library reads some of them otherwise). */
const REFUSED: readonly (readonly [path: string, at: string, why: RegExp])[] = [
  ['$[(@.length-1)]', '[(@.length-1)]', /script subscript/],
  ['$..', '', /\.\. is read before a name/],
  ['$[0:3:0]', '[0:3:0]', /step is not 0/],
  ["$[0,'a']", "[0,'a']", /indices or of keys, not both/],
  ['$[1:3,4]', '[1:3,4]', /union \[a,b\] or a range/],
  ['$[*,1]', '[*,1]', /wildcard alone/],
  ["$[?(@.key-dash == 'value')]", "-dash == 'value')]", /filter ends with \)\]/],
  ['$[?(@.info == 1)]', 'info == 1)]', /holds "in".*@\['info'\]/],
  ['$[?(@.d in [2, 3])]', 'in [2, 3])]', /filter ends/],
  ['$[?(!@.key)]', '!@.key)]', /compares @ paths/],
  ['$[?((@.a == 1))]', '(@.a == 1))]', /compares @ paths/],
  ['$[?(@.key==-0.123e2)]', '-0.123e2)]', /no exponent/],
  ['$[?(@.key>0 && true)]', '', /./],
  ['$[?(@.a && @.b)]', ')]', /bare path is read as a test only alone/],
  ['$[?(@.name=~/hello.*/)]', '/hello.*/)]', /compares @ paths/],
  ['$[?(@.a =~ "(?=x)")]', '@.a =~ "(?=x)")]', /read alike by Go and here only up to/],
  ['$[?(@.a == "x)")]', '"x)")]', /balanced pairs/],
  ['$.a b', ' b', /a step is/],
  ["$['a\\'b']", "['a\\'b']", /quoted key/],
  ['@.a', '@.a', /starts with \$/],
]

test('paths outside the grammar are refused with where and why, when built (DSL) and when imported (Argo), and fail at run time', () => {
  for (const [path, at, why] of REFUSED) {
    const r = parseJsonPath(path)
    assert.ok('unsupported' in r, `${path} is read`)
    if (!('unsupported' in r)) continue
    if (at) assert.is(r.unsupported, at, path)
    assert.match(r.why, why, path)
    assert.match(problemOf(() => expr`jsonpath('{}', ${path})`), jsonPathProblem(path)!)
    assert.throws(() => queryJsonPath({}, path), (e: Error) => e instanceof EvalError && e.message.includes('not read from'))
  }
})

test('the problem names the path, where it is left, and why', () => {
  assert.is(jsonPathProblem('$[(@.length-1)]'), 'jsonpath() reads the path "$[(@.length-1)]" only as far as "[(@.length-1)]": a script subscript [( … )] is not read (a filter is [?( … )])')
  assert.is(jsonPathProblem('$.a[?(@.b == 1)]'), undefined)
})

test.run()
