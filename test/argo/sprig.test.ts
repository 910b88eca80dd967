import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { goLayout } from '../../lib/argo/import/go-layout.ts'
import { isSprig, sprigCall } from '../../lib/argo/import/sprig.ts'
import { evalLang } from '../../lib/argo/import/expr-lang-eval.ts'
import { parseLang } from '../../lib/argo/import/expr-lang.ts'

/** sprig's functions as Argo's `sprig.` offers them, with sprig's conversions (cast.ToInt64, strval). */

test('numbers go through cast.ToInt64: floats truncated, texts parsed as integers in any base, anything else 0', () => {
  assert.is(sprigCall('add', [34, 27.9, '15', '0x10', 'x', null, true]), 34 + 27 + 15 + 16 + 0 + 0 + 1)
  assert.is(sprigCall('add', []), 0)
  assert.is(sprigCall('max', [3, '9', 4.5]), 9)
  assert.is(sprigCall('min', [3, '-9', 4.5]), -9)
  assert.is(sprigCall('sub', ['10', 3]), 7)
  assert.is(sprigCall('mul', [2, '3', 4]), 24)
  assert.is(sprigCall('div', [-7, 2]), -3)
  assert.is(sprigCall('mod', [-7, 2]), -1)
  assert.throws(() => sprigCall('div', [1, 0]), /integer divide by zero/)
  assert.is(sprigCall('int64', ['15.0']), 15)
  assert.is(sprigCall('int64', ['15.5']), 0)
  assert.is(sprigCall('float64', ['2.5']), 2.5)
  assert.is(sprigCall('float64', [' 2.5']), 0)
})

test('texts: sprig\'s argument order, strval of what is no text, Go\'s Replace with an empty old text', () => {
  assert.is(sprigCall('trimPrefix', ['ab', 'abc']), 'c')
  assert.is(sprigCall('trimSuffix', ['bc', 'abc']), 'a')
  assert.is(sprigCall('replace', ['', '-', 'ab']), '-a-b-')
  assert.is(sprigCall('replace', ['a', 'x', 'banana']), 'bxnxnx')
  assert.is(sprigCall('contains', ['an', 'banana']), true)
  assert.is(sprigCall('repeat', [3, 'ab']), 'ababab')
  assert.is(sprigCall('upper', [12]), '12')
  assert.is(sprigCall('join', ['-', [1, null, 'a']]), '1-a')
  assert.is(sprigCall('join', ['-', 'one']), 'one')
  assert.is(sprigCall('cat', ['a', null, 2]), 'a 2')
  assert.is(sprigCall('toString', [[1, 'a']]), '[1 a]')
  assert.is(sprigCall('b64enc', ['hello']), 'aGVsbG8=')
  assert.is(sprigCall('b64dec', ['aGVsbG8=']), 'hello')
  assert.is(sprigCall('sha256sum', ['hello']), '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824')
  assert.is(sprigCall('sha1sum', ['hello']), 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d')
  assert.throws(() => sprigCall('b64dec', ['aGVsbG8']), /not padded standard base64/)
})

test('default, empty, coalesce, ternary as sprig reads emptiness; a wrong number of arguments is an error', () => {
  assert.is(sprigCall('default', ['d', '']), 'd')
  assert.is(sprigCall('default', ['d', 0]), 'd')
  assert.is(sprigCall('default', ['d', 'x']), 'x')
  assert.is(sprigCall('default', ['d']), 'd')
  assert.is(sprigCall('empty', [{}]), true)
  assert.is(sprigCall('coalesce', [null, '', 'x', 'y']), 'x')
  assert.is(sprigCall('ternary', ['a', 'b', true]), 'a')
  assert.throws(() => sprigCall('sub', [1]), /sprig\.sub\(\) takes 2 arguments, got 1/)
  assert.ok(isSprig('b64dec') && !isSprig('exec'))
})

test('date: Go\'s layout on the time now for a value that is no time; a number is refused (int or float64 cannot be told apart)', () => {
  const d = new Date(2026, 0, 5, 7, 8, 9, 120)
  assert.is(goLayout('2006-01-02 15:04:05', d), '2026-01-05 07:08:09')
  assert.is(goLayout('Jan _2 Mon January Monday 06 1/2 3:4:5 PM pm 002', d), 'Jan  5 Mon January Monday 26 1/5 7:8:9 AM am 005')
  assert.is(goLayout('05.000 05.999 05,00', d), '09.120 09.12 09,12')
  assert.is(goLayout('x_2006y', d), 'x_2026y')
  assert.is(sprigCall('date', ['2006', '2020-01-01T00:00:00Z']), String(new Date().getFullYear()))
  assert.throws(() => sprigCall('date', ['2006', 1600000000]), /cannot tell apart/)
})

test('expr-lang reads sprig.NAME(…) as a call; an unknown sprig function is a parse error naming it', () => {
  const resolve = () => ({ _tag: 'ParamRef', source: { kind: 'workflow' }, name: 'x', codec: undefined }) as never
  assert.is(evalLang(parseLang('sprig.add(1, 2) + sprig.max(3, 9)', ['x'], resolve).root, []), 12)
  assert.equal(evalLang(parseLang('map([[1, 5], [7, 2]], { sprig.max(#[0], #[1]) })', ['x'], resolve).root, []), [5, 7])
  assert.throws(() => parseLang('sprig.exec("ls")', ['f'], resolve), /f: .*the function sprig\.exec is not one the local importer evaluates/)
})

test.run()
