/** The Shell batch system for real: detached processes, one /proc status query per poll, exit files, kill. */
import { suite } from 'uvu'
import { shell } from '../../lib/dispatcher/batch/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { lifecycle } from './support/lifecycle.ts'

const test = suite('dispatcher/batch: real shell jobs')
const tmp = tempDir('shell-jobs')
test.after(tmp.cleanup)
lifecycle(test, shell, tmp.path, (s) => s.verdict === 'unknown' && s.raw === 'gone')
test.run()
