/**
 * Real SGE (scripts/services.sh start sge): submit → one batched qstat -xml per poll → exit codes from the jobs'
 * files (qstat forgets finished jobs, qacct lags) → qdel. A deleted job shows `dr`, then vanishes with no exit file.
 */
import { suite } from 'uvu'
import { sge } from '../../lib/dispatcher/batch/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { lifecycle } from './support/lifecycle.ts'
import { serviceUp } from './support/services.ts'

process.env['SGE_ROOT'] ??= '/var/lib/gridengine'
const test = suite('dispatcher/batch: real SGE')
const tmp = tempDir('sge')
test.after(tmp.cleanup)
if (serviceUp('sge', 'the real SGE tests')) lifecycle(test, sge, tmp.path, (s) => s.verdict === 'unknown' && s.raw === 'gone')
test.run()
