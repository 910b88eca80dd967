/** Real Slurm (scripts/services.sh start slurm): submit → one batched squeue per poll → exit codes → scancel. */
import { suite } from 'uvu'
import { slurm } from '../../lib/dispatcher/batch/index.ts'
import { tempDir } from '../helpers/tmp.ts'
import { lifecycle } from './support/lifecycle.ts'
import { serviceUp } from './support/services.ts'

const test = suite('dispatcher/batch: real Slurm')
const tmp = tempDir('slurm')
test.after(tmp.cleanup)
if (serviceUp('slurm', 'the real Slurm tests')) lifecycle(test, slurm, tmp.path, (s) => s.verdict === 'cancelled')
test.run()
