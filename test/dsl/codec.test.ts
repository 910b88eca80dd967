/**
 * The parameter wire format: values travel as strings (as on Argo); `decodeParam` reads them back with the
 * declared codec, so a number is a number and a string that looks like a number stays a string.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { codecsCompatible, decodeParam, encodeParam, t, type Codec } from 'dflow-ts'

/** Encodes, checks the wire string, decodes, checks the value comes back equal. */
const roundTrip = <A>(codec: Codec<A>, value: A, wire: string) => {
  assert.is(encodeParam(codec, value), wire, `encode ${JSON.stringify(value)}`)
  assert.equal(decodeParam(codec, wire), { ok: true, value }, `decode ${wire}`)
}

test('numbers travel as their decimal text', () => {
  roundTrip(t.number, 4, '4')
  roundTrip(t.number, -2.5, '-2.5')
  roundTrip(t.number, 0, '0')
  roundTrip(t.number, 1e21, '1e+21')
  roundTrip(t.Int, 42 as t.Int, '42')
})

test('a number read from a file decodes with its trailing newline or spaces', () => {
  assert.equal(decodeParam(t.number, '4\n'), { ok: true, value: 4 })
  assert.equal(decodeParam(t.number, ' 7 '), { ok: true, value: 7 })
})

test('strings travel as they are, even when they look like numbers, JSON or quotes', () => {
  for (const s of ['hi', '4', '4\n', '-1', 'true', 'null', '[1,2]', '{"a":1}', '"x"', "'x'", '', ' ', 'ünï ✓', 'a\nb'])
    roundTrip(t.string, s, s)
})

test('booleans, null, arrays and objects travel as JSON', () => {
  roundTrip(t.boolean, true, 'true')
  roundTrip(t.boolean, false, 'false')
  roundTrip(t.null, null, 'null')
  roundTrip(t.array(t.number), [1, 2, 3], '[1,2,3]')
  roundTrip(t.array(t.string), ['4', 'a b', '"q"'], '["4","a b","\\"q\\""]')
  roundTrip(t.array(t.number), [], '[]')
  roundTrip(t.type({ a: t.number, b: t.array(t.string) }), { a: 1, b: ['x'] }, '{"a":1,"b":["x"]}')
  roundTrip(t.record(t.string, t.boolean), { x: true }, '{"x":true}')
  roundTrip(t.union([t.literal('fast'), t.literal('slow')]), 'fast', 'fast')
})

test('a codec that encodes to another type is applied on the way out', () => {
  const date = new t.Type<Date, string, unknown>(
    'Date',
    (u): u is Date => u instanceof Date,
    (u, c) => (typeof u === 'string' && !Number.isNaN(Date.parse(u)) ? t.success(new Date(u)) : t.failure(u, c)),
    (d) => d.toISOString(),
  )
  const d = new Date('2024-01-02T03:04:05.000Z')
  assert.is(encodeParam(date, d), '2024-01-02T03:04:05.000Z')
  const back = decodeParam(date, '2024-01-02T03:04:05.000Z')
  assert.ok(back.ok && back.value.getTime() === d.getTime())
})

test('unknown takes the JSON reading when there is one, else the string', () => {
  assert.equal(decodeParam(t.unknown, '4'), { ok: true, value: 4 })
  assert.equal(decodeParam(t.unknown, '[1]'), { ok: true, value: [1] })
  assert.equal(decodeParam(t.unknown, 'four'), { ok: true, value: 'four' })
})

test('a value that does not fit fails with what was expected and what was seen', () => {
  assert.equal(decodeParam(t.number, 'four'), { ok: false, message: 'expected number, got "four"' })
  assert.equal(decodeParam(t.number, ''), { ok: false, message: 'expected number, got ""' })
  assert.equal(decodeParam(t.number, '[4]'), { ok: false, message: 'expected number, got "[4]"' })
  assert.equal(decodeParam(t.boolean, 'yes'), { ok: false, message: 'expected boolean, got "yes"' })
  assert.equal(decodeParam(t.array(t.number), '[1,"two"]'), { ok: false, message: 'expected Array<number>, got "[1,\\"two\\"]"' })
  assert.equal(decodeParam(t.type({ a: t.number }), '{"b":1}'), { ok: false, message: 'expected { a: number }, got "{\\"b\\":1}"' })
})

test('a number out of range (1e400, which JSON reads as Infinity) is refused, inside lists and objects too; text keeps it', () => {
  for (const wire of ['1e400', '-1e999', ' 1e400\n'])
    assert.equal(decodeParam(t.number, wire), { ok: false, message: `expected number, got ${JSON.stringify(wire)} (not a finite number)` })
  assert.equal(decodeParam(t.array(t.number), '[1, 1e400]').ok, false)
  assert.equal(decodeParam(t.record(t.string, t.number), '{"a": -1e400}').ok, false)
  assert.equal(decodeParam(t.unknown, '1e400'), { ok: true, value: '1e400' })
  assert.equal(decodeParam(t.string, '1e400'), { ok: true, value: '1e400' })
  assert.equal(decodeParam(t.number, '1.7976931348623157e308'), { ok: true, value: Number.MAX_VALUE })
})

test('a long value is shortened in the failure message', () => {
  const r = decodeParam(t.number, 'x'.repeat(200))
  assert.ok(!r.ok)
  assert.is(r.message, `expected number, got "${'x'.repeat(77)}..."`)
})

test('codecsCompatible compares codec names, unknown fits both ways', () => {
  assert.ok(codecsCompatible(t.number, t.number))
  assert.ok(codecsCompatible(t.array(t.string), t.array(t.string)))
  assert.not.ok(codecsCompatible(t.number, t.string))
  assert.not.ok(codecsCompatible(t.array(t.number), t.array(t.string)))
  assert.ok(codecsCompatible(t.number, t.unknown))
  assert.ok(codecsCompatible(t.unknown, t.string))
})

test("a list of wire strings (Argo's aggregation of a fan-out) decodes by the element codec", () => {
  assert.equal(decodeParam(t.array(t.number), '["1","4","9"]'), { ok: true, value: [1, 4, 9] })
  assert.equal(decodeParam(t.array(t.type({ n: t.number, even: t.boolean })), '[{"n":"2","even":"true"}]'), { ok: true, value: [{ n: 2, even: true }] })
  assert.equal(decodeParam(t.array(t.array(t.number)), '["[1,2]","[3]"]'), { ok: true, value: [[1, 2], [3]] })
  // strings stay strings where strings are declared, and a wrong element still fails
  assert.equal(decodeParam(t.array(t.string), '["1","4"]'), { ok: true, value: ['1', '4'] })
  assert.equal(decodeParam(t.array(t.number), '["1","x"]').ok, false)
})

test.run()
