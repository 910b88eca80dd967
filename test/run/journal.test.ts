import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { StepRecord } from 'dflow-ts/local'
import { openJournal, readJournal, readJournalReport } from '../../lib/run/journal.ts'
import { tempDir } from '../helpers/tmp.ts'

/**
 * The step journal holds whole records: a torn last line (a crash in the middle of a write) is skipped by
 * readers and cut off when the journal is opened again, so that the next record starts on a line of its
 * own. (A record that a full disk cuts short is cut off again by the writer: storage-faults.heavy.test.ts.)
 */
const test = suite('local: the step journal keeps whole records')
const tmp = tempDir('journal')
test.after(tmp.cleanup)

const rec = (id: string): StepRecord => ({ id, name: id, parent: null, type: 'Pod', template: 't', phase: 'Succeeded', inputs: { parameters: {}, values: {}, artifacts: {} }, outputs: { parameters: {}, values: {}, artifacts: {} } })

test('a torn last line is skipped by readers and cut off when the journal is opened again', () => {
  const path = join(tmp.path, 'steps.jsonl')
  const whole = `${JSON.stringify(rec('a'))}\n${JSON.stringify(rec('b'))}\n`
  writeFileSync(path, `${whole}${JSON.stringify(rec('c')).slice(0, 30)}`)
  assert.equal(readJournal(path).map((r) => r.id), ['a', 'b'])
  const j = openJournal(path)
  j.append(rec('d'))
  j.close()
  assert.is(readFileSync(path, 'utf8'), `${whole}${JSON.stringify(rec('d'))}\n`)
  assert.equal(readJournal(path).map((r) => r.id), ['a', 'b', 'd'])
})

test("each step's latest whole record, in order of first appearance: a torn latest record gives the one before it; a line of zeros is skipped, with a warning", () => {
  const path = join(tmp.path, 'latest.jsonl')
  const running = (id: string): StepRecord => ({ ...rec(id), phase: 'Running' })
  const quoted = 'q"x\\y'
  const lines = [running('a'), running('b'), rec('a'), running(quoted), rec(quoted)].map((r) => JSON.stringify(r))
  writeFileSync(path, `${lines.join('\n')}\n${'\u0000'.repeat(12)}\n${JSON.stringify(rec('b')).slice(0, 40)}`)
  const { records, warnings } = readJournalReport(path)
  assert.equal(records.map((r) => [r.id, r.phase]), [['a', 'Succeeded'], ['b', 'Running'], [quoted, 'Succeeded']])
  assert.is(warnings.length, 2, warnings.join('\n'))
  assert.match(warnings[0]!, /line 6 is not a whole record/)
  assert.match(warnings[1]!, /its last record is cut short/)
})

test('a journal that cannot be opened says which and why', () => {
  assert.throws(() => openJournal(join(tmp.path, 'no-such-folder', 'steps.jsonl')), /could not open .*no-such-folder\/steps.jsonl: ENOENT \(no such file or directory\)/)
})

test.run()
