import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { param, sh, shell, seq, step, t, workflow } from 'dflow-ts'
import { dispatcher } from 'dflow-ts/dispatcher'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'

// Per-step batch settings on the real Slurm: a step's `batch` (partition, walltime, header lines,
// environment, pre/post) over its template's. The job itself reports what Slurm gave it (SLURM_JOB_PARTITION,
// its time limit and comment as squeue shows them).
const test = suite('dispatcher: per-step batch settings on the real Slurm')
const tmp = tempDir('step-batch-slurm')
test.after(tmp.cleanup)
const quick = { poll: { initialMs: 200, maxMs: 1000 } }

const report = shell({
  name: 'report',
  batch: { system: 'slurm', partition: 'debug', walltime: '00:10:00', env: { FROM_TEMPLATE: 'template' }, pre: 'export FROM_PRE=template-pre' },
  outputs: { got: param(t.string, { path: 'got.txt' }) },
  script: () => sh`echo "$SLURM_JOB_PARTITION $(squeue -h -j "$SLURM_JOB_ID" -o '%l %k') $FROM_TEMPLATE \${FROM_STEP:-none} $FROM_PRE" > got.txt`,
})

if (serviceUp('slurm', 'per-step batch settings on the real Slurm')) {
  test('a step\'s batch settings layer over its template\'s: its own partition, walltime and header line; env merged; pre scripts joined', async () => {
    const wf = workflow(
      'step-batch',
      seq(
        step('plain', report),
        step('urgent', report, {}, { batch: { partition: 'dflow-urgent', walltime: '00:05:00', header: ['#SBATCH --comment=from-the-step'], env: { FROM_STEP: 'step' }, pre: 'export FROM_PRE="$FROM_PRE step-pre"' } }),
      ),
    )
    const run = await dispatcher({ batch: 'slurm', runsDir: tmp.path, politeness: quick }).run(wf)
    assert.equal(run.status, 'Succeeded', run.message)
    assert.equal(run.step('plain').outputs.got, 'debug 10:00 (null) template none template-pre')
    assert.equal(run.step('urgent').outputs.got, 'dflow-urgent 5:00 from-the-step template step template-pre step-pre')
    assert.match(readFileSync(join(run.dir, 'jobs.jsonl'), 'utf8'), /"t":"submitted"/)
  })
}

test.run()
