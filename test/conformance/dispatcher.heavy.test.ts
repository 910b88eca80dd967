import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Workflow } from 'dflow-ts'
import { dispatcher, sshContext, type BatchSystem, type Context } from 'dflow-ts/dispatcher'
import { local } from 'dflow-ts/local'
import { limiter } from '../../lib/engine/limiter.ts'
import { serviceUp } from '../dispatcher/support/services.ts'
import { sshConfigFor, sshTest } from '../dispatcher/support/ssh.ts'
import { exampleArtifacts, exampleFiles, exampleName, loadExample } from '../helpers/examples.ts'
import { tempDir } from '../helpers/tmp.ts'
import { outcomeOf, type Outcome } from './outcome.ts'

// Rows of the conformance suite for the dispatcher: every example, run with every leaf step as a batch job —
// on the shell system and the real Slurm on this machine, and over SSH (user hpcuser of the test sshd) on the
// shell system, the real Slurm and the real SGE — ends with the same outcome as on the local interpreter:
// status, each step's phase, decoded outputs, artifact contents, attempts and exit code. Workflow artifacts get
// the same file on every row (exampleArtifacts). DFLOW_CONFORMANCE_ROWS=REGEX runs only the rows it matches.
const test = suite('conformance: the dispatcher gives the local outcome on every batch system')
const tmp = tempDir('conformance-dispatcher')
// counters of the retry examples, which jobs of another user (over SSH) write too
const shared = join('/tmp', `dflow-conformance-${randomBytes(4).toString('hex')}`)
mkdirSync(shared, { mode: 0o777 })
chmodSync(shared, 0o777)
const contexts: Context[] = []
test.after(async () => {
  await Promise.all(contexts.map((c) => c.close()))
  tmp.cleanup()
})

const freshParameters = (wf: Workflow<any>, name: string, run: string): Record<string, unknown> =>
  'counter' in (wf.parameters ?? {}) ? { counter: `${shared}/${name.replace(/\W/g, '-')}-${run}.count` } : {}

const files = exampleFiles()

const givenArtifacts = new Map<Workflow<any>, Record<string, string>>()
const artifactsOf = (wf: Workflow<any>) => givenArtifacts.get(wf) ?? (givenArtifacts.set(wf, exampleArtifacts(wf, tmp.path)), givenArtifacts.get(wf)!)
const workflows = new Map<string, Promise<Workflow<any>>>()
const wfOf = (file: string) => workflows.get(file) ?? (workflows.set(file, loadExample(file)), workflows.get(file)!)
const references = new Map<string, Promise<Outcome>>()
const referenceOf = (file: string): Promise<Outcome> => {
  if (!references.has(file)) references.set(file, wfOf(file).then(async (wf) => outcomeOf(await local({ runsDir: tmp.path, parallelism: 4 }).run(wf, { parameters: freshParameters(wf, exampleName(file), 'local'), artifacts: artifactsOf(wf) }))))
  return references.get(file)!
}

/** One row: a name, the system, the context (none: this machine, in the run folder). */
interface Row {
  readonly name: string
  readonly batch: BatchSystem['name']
  readonly over?: 'ssh'
  readonly needs: readonly ('slurm' | 'sge' | 'sshd')[]
}
const ROWS: readonly Row[] = [
  { name: '--on shell', batch: 'shell', needs: [] },
  { name: '--on shell over SSH', batch: 'shell', over: 'ssh', needs: ['sshd'] },
  { name: '--on slurm', batch: 'slurm', needs: ['slurm'] },
  { name: '--on slurm over SSH', batch: 'slurm', over: 'ssh', needs: ['slurm', 'sshd'] },
  // SGE starts a job's bash as a login shell: as root here, the machine's ~/.bashrc (pyenv) stalls each job, so SGE runs as hpcuser over SSH
  { name: '--on sge over SSH', batch: 'sge', over: 'ssh', needs: ['sge', 'sshd'] },
]

const onlyRows = process.env['DFLOW_CONFORMANCE_ROWS'] ? new RegExp(process.env['DFLOW_CONFORMANCE_ROWS']) : undefined
for (const row of ROWS.filter((r) => !onlyRows || onlyRows.test(r.name))) {
  if (!row.needs.every((s) => serviceUp(s, `the dispatcher's conformance row ${row.name}`))) continue
  // the examples of a row run a few at a time (each test waits for its own)
  const slots = limiter(4)
  const runs = new Map<string, Promise<Outcome>>()
  let context: Context | undefined
  const contextOf = () => {
    if (row.over !== 'ssh') return undefined
    context ??= sshContext(sshConfigFor(sshTest(), `/tmp/dflow-conformance-remote-${randomBytes(4).toString('hex')}`, { maxSessions: 8 }))
    if (!contexts.includes(context)) contexts.push(context)
    return context
  }
  const outcome = (file: string) => {
    if (!runs.has(file)) {
      const ctx = contextOf()
      runs.set(file, slots.run(async () => {
        const wf = await wfOf(file)
        const d = dispatcher({ batch: row.batch, runsDir: tmp.path, ...(ctx ? { context: ctx } : {}), politeness: { poll: { initialMs: 200, maxMs: 1000 } } })
        return outcomeOf(await d.run(wf, { parameters: freshParameters(wf, exampleName(file), row.name.replace(/\W/g, '')), artifacts: artifactsOf(wf) }))
      }))
    }
    return runs.get(file)!
  }
  for (const file of files) {
    const name = exampleName(file)
    test(`${row.name}: ${name} ends as it does locally`, async () => {
      for (const f of files) void outcome(f).catch(() => {}) // start the row's runs, four at a time
      const [got, want] = await Promise.all([outcome(file), referenceOf(file)])
      assert.ok(Object.keys(want.steps).length > 0, `${name} ran no step`)
      assert.equal(got, want)
    })
  }
}

test.run()
