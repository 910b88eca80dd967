import { posix } from 'node:path'
import { DflowError, problem } from '../../../dsl/problem.ts'
import { queryJobs, submitJob } from '../batch/jobs.ts'
import type { BatchJob, BatchSystem, CommandResult, Exec, JobState } from '../batch/types.ts'
import { collectCommand, parseCollect, type CallFiles } from './collect.ts'
import { batchJobOf, budgetMs } from './batch-job.ts'
import { appendJournal, callKey, readJournal, type JournaledJob } from './journal.ts'
import { callFiles, jobName } from './names.ts'
import { callOutcome, type JobRef } from './outcome.ts'
import { DEFAULT_POLL, nextInterval, type PollInterval } from './poll-interval.ts'
import type { JobOutcome, JobShape, JobSpec } from './types.ts'

/**
 * The settings of a job queue. Politeness: `poll` (adaptive status interval), `submitsPerSecond`, `maxInQueue`
 * (jobs submitted and not yet ended; array elements count one each), `arrays` and `maxArraySize`; packing:
 * `callsPerJob` calls in one job, `parallelInJob` of them at a time (DPDispatcher's group_size and para_deg).
 *
 * @example
 * ```ts
 * const o: JobQueueOptions = { system: slurm, exec: localExec, root: '/scratch/run-1/jobs', journal: '/runs/run-1/jobs.jsonl', callsPerJob: 10, parallelInJob: 4 }
 * ```
 */
export interface JobQueueOptions {
  readonly system: BatchSystem
  readonly exec: Exec
  /** Absolute folder (where exec runs) for the job scripts and the scheduler's own output files, one subfolder per job. */
  readonly root: string
  /** Local path of the submission journal (JSON lines; see journal.ts). */
  readonly journal: string
  readonly poll?: Partial<PollInterval>
  /** Submissions per second at most (an array counts one). Default 10. */
  readonly submitsPerSecond?: number
  /** Jobs in the queue at once at most. Default 1000. */
  readonly maxInQueue?: number
  /** Calls per job (DPDispatcher's group_size). Default 1. */
  readonly callsPerJob?: number
  /** Calls running at once inside a job (para_deg). Default 1. */
  readonly parallelInJob?: number
  /** Submit the jobs formed at once as one array where the system has arrays. Default true. */
  readonly arrays?: boolean
  /** Largest array; default: asked of the scheduler once (Slurm MaxArraySize, SGE max_aj_tasks), else 1000. */
  readonly maxArraySize?: number
  /** How long calls are gathered before they are packed into jobs. Default 20 ms. */
  readonly gatherMs?: number
  /** Tries of a submission the scheduler refused (a busy controller), with a wait of `submitRetryMs × try` between. Default 4, 1000 ms. */
  readonly submitTries?: number
  readonly submitRetryMs?: number
  /** Bytes of each call's stdout and stderr kept in its outcome. Default 4096. */
  readonly tailBytes?: number
  /** How long a job may look ended (or be absent) without its calls' exit files before they count as lost. Default 10 s. */
  readonly lostAfterMs?: number
  /** Added to the calls' timeouts for the scheduler's walltime (the driver cancels first). Default 60 s. */
  readonly walltimeGraceSeconds?: number
  /** Fault injection for tests: runs after a submission returned its id and before it is journaled. */
  readonly faults?: { readonly afterSubmit?: (name: string, id: string) => void }
}

/** Counts of what the queue asked of the scheduler. @example queue.stats.statusQueries */
export interface JobQueueStats {
  readonly statusQueries: number
  readonly submissions: number
  readonly cancels: number
  readonly nameLookups: number
}

/** A queue of calls run as batch jobs. @example const o = await queue.submit(spec, AbortSignal.timeout(60_000)) */
export interface JobQueue {
  /**
   * Runs a call in a job (or finds the job a driver before submitted for it) and resolves when it ended. Rejects for a spec it refuses (a DflowError naming the field) and when the queue crashed (its driver "died": the jobs are left for a queue opened on the journal).
   * `on` hears of the call's job: once it has an id, and each time the scheduler's word for it changes.
   */
  readonly submit: (spec: JobSpec, signal?: AbortSignal, on?: (e: JobEvent) => void) => Promise<JobOutcome>
  /** Cancels every job of the queue with one command; their calls resolve as cancelled. */
  readonly stop: () => Promise<void>
  readonly stats: JobQueueStats
}

/**
 * What a caller hears of its call's job: its name, its id once submitted (or found), the scheduler's last word.
 *
 * @example
 * ```ts
 * const e: JobEvent = { name: 'df0123456789abc', id: '42', state: { verdict: 'running', raw: 'RUNNING' } }
 * ```
 */
export interface JobEvent {
  readonly name: string
  readonly id?: string
  readonly state?: JobState
}

interface Call {
  readonly spec: JobSpec
  readonly files: string
  readonly on?: (e: JobEvent) => void
  readonly resolve: (o: JobOutcome) => void
  readonly reject: (e: unknown) => void
  done: boolean
}

interface Unit {
  readonly name: string
  calls: Call[]
  /** The id status and cancel take (an array element's). */
  id?: string
  reattached: boolean
  state?: JobState
  runningSince?: number
  endedSince?: number
  budgetMs?: number
  timedOut?: boolean
  cancelled?: boolean
}

interface Submission {
  readonly name: string
  readonly job: BatchJob
  readonly units: Unit[]
  readonly array: boolean
  tries: number
  notBefore: number
}

const sleep = (ms: number, wake: Promise<void>) => Promise.race([new Promise<void>((r) => setTimeout(r, Math.max(0, ms))), wake])
const TRANSIENT_SUBMIT = /socket timed out|unable to contact|temporarily|try again|connection|timed out|resource temporarily|busy/i
/** What the schedulers say of ids they do not know (the others, if any, are still printed). */
const UNKNOWN_ID = /invalid job id|unknown job id|is not found|do(es)? not exist/i
const FINAL = (s: JobState | undefined) => !!s && s.verdict !== 'pending' && s.verdict !== 'running' && s.verdict !== 'unknown'
const shapeKey = (s: JobShape | undefined) => JSON.stringify(s ?? {})

/**
 * A polite job queue over a batch system: one batched status query per poll for all its jobs, an adaptive poll
 * interval, a submit-rate and a max-in-queue limit, arrays for calls formed at once, several calls per job; each
 * submission journaled as an intent before it is submitted and its id after, so that a queue opened on the same
 * journal waits for those jobs instead of submitting them again.
 *
 * @example
 * ```ts
 * const queue = jobQueue({ system: slurm, exec: localExec, root: '/scratch/r1/jobs', journal: '/runs/r1/jobs.jsonl' })
 * const outcome = await queue.submit({ runId: 'r1', callId: 'hello', command: 'echo hi', workDir: '/scratch/r1/hello' })
 * outcome.phase // 'Succeeded'
 * ```
 */
export const jobQueue = (options: JobQueueOptions): JobQueue => {
  const { system, exec } = options
  if (!posix.isAbsolute(options.root)) throw new DflowError([problem(['root'], `the jobs root ${JSON.stringify(options.root)} is not absolute`)])
  const poll: PollInterval = { ...DEFAULT_POLL, ...options.poll }
  const callsPerJob = Math.max(1, options.callsPerJob ?? 1)
  const parallel = Math.max(1, options.parallelInJob ?? 1)
  const spacingMs = 1000 / (options.submitsPerSecond ?? 10)
  const maxInQueue = Math.max(1, options.maxInQueue ?? 1000)
  const tries = options.submitTries ?? 4
  const lostAfterMs = options.lostAfterMs ?? 10_000
  const stats = { statusQueries: 0, submissions: 0, cancels: 0, nameLookups: 0 }
  const journal = readJournal(options.journal)
  const known = new Map<string, JournaledJob>(journal.jobs)

  const gathering: Call[] = []
  let gatherUntil = 0
  const submissions: Submission[] = []
  const units = new Map<string, Unit>() // by name#element
  const lookups = new Set<Unit>() // reattached units whose id the journal lacks
  let interval = poll.initialMs
  let nextPoll = 0
  let lastSubmit = -Infinity
  let arrayLimit = options.maxArraySize
  let running: Promise<void> | undefined
  let crashed: unknown
  let wakeUp: () => void = () => {}
  let wake = new Promise<void>((r) => (wakeUp = r))
  const poke = () => wakeUp()

  const live = () => [...units.values()].filter((u) => u.calls.some((c) => !c.done))
  const finish = (c: Call, o: JobOutcome) => {
    if (c.done) return
    c.done = true
    c.resolve(o)
  }
  const errorOutcome = (name: string, message: string, reattached = false): JobOutcome => ({
    phase: 'Error', verdict: 'unknown', transient: false, timedOut: false, stdoutTail: '', stderrTail: '', message, job: { name }, reattached,
  })
  const ref = (u: Unit): JobRef => ({ name: u.name, ...(u.id ? { id: u.id } : {}), ...(u.state ? { state: u.state } : {}), reattached: u.reattached, ...(u.timedOut ? { timedOut: true } : {}) })
  const budgetOf = (calls: readonly Call[]): number | undefined => budgetMs(calls.map((c) => c.spec), parallel)

  /** Packs the gathered calls into jobs: by shape, `callsPerJob` a job, an array of those where possible. */
  const pack = async () => {
    const calls = gathering.splice(0)
    const byShape = new Map<string, Call[]>()
    for (const c of calls) byShape.set(shapeKey(c.spec.shape), [...(byShape.get(shapeKey(c.spec.shape)) ?? []), c])
    for (const group of byShape.values()) {
      const jobs: Call[][] = []
      for (let i = 0; i < group.length; i += callsPerJob) jobs.push(group.slice(i, i + callsPerJob))
      const useArray = options.arrays !== false && !!system.array && jobs.length > 1
      if (useArray && arrayLimit === undefined) {
        const r = await exec(system.array!.limit.command)
        arrayLimit = (r.exitCode === 0 ? system.array!.limit.parse(r) : undefined) ?? 1000
      }
      const chunk = useArray ? Math.max(1, Math.min(arrayLimit ?? 1000, maxInQueue)) : 1
      for (let i = 0; i < jobs.length; i += chunk) plan(jobs.slice(i, i + chunk), useArray && jobs.length - i > 1)
    }
  }

  /** One submission of `elements` (an array when asked): its script, its units. */
  const plan = (elements: readonly Call[][], array: boolean) => {
    const spec0 = elements[0]![0]!.spec
    const name = jobName(spec0.runId, elements.flat().map((c) => c.spec.callId))
    const job = batchJobOf({
      name,
      root: options.root,
      groups: elements.map((e) => e.map((c) => ({ dir: c.spec.workDir, files: c.files, command: c.spec.command, ...(c.spec.env ? { env: c.spec.env } : {}), ...(c.spec.timeoutSeconds !== undefined ? { timeoutSeconds: c.spec.timeoutSeconds } : {}) }))),
      ...(spec0.shape ? { shape: spec0.shape } : {}),
      parallel,
      array,
      ...(options.walltimeGraceSeconds !== undefined ? { graceSeconds: options.walltimeGraceSeconds } : {}),
    })
    try {
      system.render(job) // refuse a bad description now, for these calls only
    } catch (e) {
      for (const c of elements.flat()) finish(c, errorOutcome(name, e instanceof Error ? e.message : String(e)))
      return
    }
    const us = elements.map((calls, i) => {
      const b = budgetOf(calls)
      const u: Unit = { name, calls, reattached: false, ...(b ? { budgetMs: b } : {}) }
      units.set(`${name}#${i}`, u)
      return u
    })
    submissions.push({ name, job, units: us, array, tries: 0, notBefore: 0 })
  }

  const tell = (u: Unit) => {
    for (const c of u.calls) if (!c.done) c.on?.({ name: u.name, ...(u.id ? { id: u.id } : {}), ...(u.state ? { state: u.state } : {}) })
  }
  const adopt = (s: { name: string; units: Unit[]; array: boolean }, id: string) => {
    s.units.forEach((u, i) => ((u.id = s.array ? system.array!.elementId(id, i) : id), tell(u)))
    known.set(s.name, { ...(known.get(s.name) ?? { job: s.name, runId: '', elements: [], array: s.array }), id })
    // given up while it was being submitted (a timeout, a stop): nobody could cancel it without its id
    const unwanted = s.units.filter((u) => u.cancelled || u.calls.every((c) => c.done))
    if (unwanted.length === 0) return
    for (const u of unwanted) u.cancelled = true
    stats.cancels++
    void exec(system.cancel(unwanted.map((u) => u.id!))).catch(() => {})
  }

  /** Submits what the rate and the queue limit allow. */
  const submitSome = async () => {
    const started = Date.now()
    // at most a second of submitting at a time: the jobs submitted are polled meanwhile
    while (submissions.length > 0 && Date.now() - started < 1000) {
      const s = submissions[0]!
      const now = Date.now()
      if (s.notBefore > now || now - lastSubmit < spacingMs) return
      const inQueue = live().filter((u) => u.id).length
      if (inQueue > 0 && inQueue + s.units.length > maxInQueue) return
      submissions.shift()
      if (s.units.every((u) => u.calls.every((c) => c.done))) continue
      lastSubmit = now
      if (s.tries > 0 && system.byName) {
        // a refused submission may still have reached the scheduler: look before submitting again
        stats.nameLookups++
        const id = system.byName.parse(await exec(system.byName.command([s.name])), [s.name]).get(s.name)
        if (id) {
          appendJournal(options.journal, [{ t: 'submitted', job: s.name, id }])
          adopt(s, id)
          continue
        }
      }
      if (s.tries === 0) {
        const intent = { t: 'intent', job: s.name, runId: s.units[0]!.calls[0]!.spec.runId, elements: s.units.map((u) => u.calls.map((c) => c.spec.callId)), array: s.array } as const
        appendJournal(options.journal, [intent])
        known.set(s.name, { job: s.name, runId: intent.runId, elements: intent.elements, array: s.array })
      }
      s.tries++
      stats.submissions++
      let r: { id: string } | { error: string }
      try {
        r = await submitJob(system, exec, s.job)
      } catch (e) {
        r = { error: e instanceof Error ? e.message : String(e) }
      }
      if ('error' in r) {
        if (s.tries < tries && TRANSIENT_SUBMIT.test(r.error)) {
          s.notBefore = Date.now() + (options.submitRetryMs ?? 1000) * s.tries
          submissions.unshift(s)
          return
        }
        for (const u of s.units) for (const c of u.calls) finish(c, errorOutcome(s.name, `${system.name} refused the job after ${s.tries} ${s.tries === 1 ? 'try' : 'tries'}: ${r.error}`))
        continue
      }
      options.faults?.afterSubmit?.(s.name, r.id)
      killAfterSubmit()
      appendJournal(options.journal, [{ t: 'submitted', job: s.name, id: r.id }])
      adopt(s, r.id)
      interval = poll.initialMs
      nextPoll = Math.min(nextPoll, Date.now() + interval)
    }
  }

  /** Reattached units without an id: one lookup by name for all; what is not found is submitted again. */
  const lookUp = async () => {
    const us = [...lookups]
    lookups.clear()
    const names = [...new Set(us.map((u) => u.name))]
    let found: ReadonlyMap<string, string> = new Map()
    if (system.byName && names.length > 0) {
      stats.nameLookups++
      found = system.byName.parse(await exec(system.byName.command(names)), names)
    }
    const records = [...found].map(([job, id]) => ({ t: 'submitted', job, id }) as const)
    appendJournal(options.journal, records)
    const missing: Unit[] = []
    for (const u of us) {
      const id = found.get(u.name)
      const j = known.get(u.name)
      if (id && j) {
        const element = j.elements.findIndex((cs) => cs.includes(u.calls[0]!.spec.callId))
        u.id = j.array ? system.array!.elementId(id, element) : id
        known.set(u.name, { ...j, id })
        tell(u)
      } else missing.push(u)
    }
    if (missing.length === 0) return
    // not queued: it may have ended (the scheduler forgets), else it never reached the scheduler
    const files = parseCollect(await exec(collectCommand(missing.flatMap((u) => u.calls.map((c) => c.files)), [], options.tailBytes ?? 4096)))
    for (const u of missing) {
      for (const k of [...units].filter(([, v]) => v === u).map(([k]) => k)) units.delete(k)
      for (const c of u.calls) {
        const f = files.get(c.files)
        if (f?.exitCode !== undefined) finish(c, callOutcome(f, ref(u)))
        else gathering.push(c)
      }
    }
    gatherUntil = Date.now()
  }

  /** One batched status query for every job with an id, one read of the files of the calls that may have ended; whether a job or call moved. */
  const pollAll = async (now: number): Promise<boolean> => {
    const us = live().filter((u) => u.id)
    if (us.length === 0) return false
    stats.statusQueries++
    let main: CommandResult | undefined
    const states = await queryJobs(system, async (c) => { const r = await exec(c); main ??= r; return r }, us.map((u) => u.id!))
    // no answer at all (a controller down, a dropped connection) is not "every job is gone": ask again next poll
    if (main && main.exitCode !== 0 && main.stdout.trim() === '' && !UNKNOWN_ID.test(main.stderr)) return false
    const final: Call[] = []
    const peek: Call[] = []
    let moved = false
    for (const u of us) {
      const was = u.state?.verdict
      const before = u.state?.raw
      u.state = states.get(u.id!)
      moved ||= u.state?.verdict !== was
      if (u.state && u.state.raw !== before) tell(u)
      if (u.state?.verdict === 'running' && u.runningSince === undefined) u.runningSince = now
      const ended = FINAL(u.state) || !u.state
      if (ended) u.endedSince ??= now
      for (const c of u.calls) if (!c.done) (ended ? final : u.calls.length > 1 && u.state?.verdict === 'running' ? peek : []).push(c)
    }
    if (final.length + peek.length === 0) return moved
    const files = parseCollect(await exec(collectCommand(final.map((c) => c.files), peek.map((c) => c.files), options.tailBytes ?? 4096)))
    for (const u of us) {
      const got = u.calls.map((c) => [c, files.get(c.files) ?? {}] as const)
      for (const [c, f] of got) if (!c.done && f.exitCode !== undefined) (moved = true), finish(c, callOutcome(f, ref(u)))
      if (u.endedSince === undefined || u.calls.every((c) => c.done)) continue
      // ended without every exit status: a kill by the scheduler (or us) says so now; a plain end waits for the files a while
      const killed = FINAL(u.state) && u.state!.verdict !== 'succeeded' && u.state!.verdict !== 'failed'
      if (killed || u.timedOut || u.cancelled || now - u.endedSince >= lostAfterMs) for (const [c, f] of got) finish(c, callOutcome(f, ref(u)))
    }
    return moved
  }

  /** Cancels, in one command, the jobs past their time and those whose every call was given up. */
  const cancelSome = async (now: number) => {
    const late = live().filter((u) => u.id && !u.cancelled && !FINAL(u.state) && u.budgetMs !== undefined && u.runningSince !== undefined && now - u.runningSince >= u.budgetMs)
    if (late.length === 0) return
    stats.cancels++
    await exec(system.cancel(late.map((u) => u.id!)))
    for (const u of late) (u.timedOut = true), (u.cancelled = true)
    nextPoll = now
  }

  const nextWake = (now: number): number => {
    const times = [nextPoll]
    if (gathering.length > 0) times.push(gatherUntil)
    if (submissions.length > 0) times.push(Math.max(submissions[0]!.notBefore, lastSubmit + spacingMs))
    if (lookups.size > 0) times.push(now)
    for (const u of live()) if (u.budgetMs !== undefined && u.runningSince !== undefined && !u.cancelled) times.push(u.runningSince + u.budgetMs)
    return Math.min(...times)
  }

  const loop = async () => {
    while (gathering.length + submissions.length + lookups.size > 0 || live().length > 0) {
      const now = Date.now()
      if (lookups.size > 0) await lookUp()
      if (gathering.length > 0 && now >= gatherUntil) await pack()
      await submitSome()
      if (Date.now() >= nextPoll) {
        const moved = await pollAll(Date.now()).catch(() => false) // an exec that threw (a dropped connection): the next poll asks again
        interval = nextInterval(interval, poll, moved)
        // a job with a timeout is looked at often enough to see it start (its clock starts then)
        const budgets = live().filter((u) => u.budgetMs !== undefined && u.runningSince === undefined).map((u) => u.budgetMs! / 10)
        nextPoll = Date.now() + Math.min(interval, Math.max(poll.initialMs, ...(budgets.length ? [Math.min(...budgets)] : [Infinity])))
      }
      await cancelSome(Date.now()).catch(() => {}) // tried again next round
      const until = nextWake(Date.now())
      wake = new Promise<void>((r) => (wakeUp = r))
      if (until > Date.now()) await sleep(until - Date.now(), wake)
    }
  }

  const ensureRunning = () => {
    running ??= loop().then(
      () => { running = undefined; if (gathering.length + submissions.length + lookups.size > 0 || live().length > 0) ensureRunning() },
      (e: unknown) => {
        // the driver "died": no cancel (the jobs stay for a queue opened on the journal), every caller learns why
        crashed = e
        for (const u of units.values()) for (const c of u.calls) if (!c.done) { c.done = true; c.reject(e) }
        for (const c of gathering.splice(0)) if (!c.done) { c.done = true; c.reject(e) }
      },
    )
  }

  const submit = (spec: JobSpec, signal?: AbortSignal, on?: (e: JobEvent) => void): Promise<JobOutcome> =>
    new Promise<JobOutcome>((resolve, reject) => {
      if (crashed !== undefined) return reject(crashed)
      if (!posix.isAbsolute(spec.workDir)) return reject(new DflowError([problem(['workDir'], `the call's work dir ${JSON.stringify(spec.workDir)} is not absolute`)]))
      for (const k of Object.keys(spec.env ?? {}))
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) return reject(new DflowError([problem(['env', k], `${JSON.stringify(k)} is not an environment variable name`)]))
      const call: Call = { spec, files: callFiles(spec.runId, spec.callId, spec.filesDir ?? spec.workDir), resolve, reject, done: false, ...(on ? { on } : {}) }
      signal?.addEventListener('abort', () => {
        if (call.done) return
        finish(call, errorOutcome(jobName(spec.runId, [spec.callId]), 'cancelled: the caller gave the call up'))
        // a job none of whose calls is wanted any more is cancelled
        const u = [...units.values()].find((x) => x.calls.includes(call))
        if (u?.id && !u.cancelled && u.calls.every((c) => c.done)) {
          u.cancelled = true
          stats.cancels++
          void exec(system.cancel([u.id]))
        }
        poke()
      }, { once: true })
      if (signal?.aborted) return
      const at = journal.byCall.get(callKey(spec.runId, spec.callId))
      const j = at && known.get(at.job)
      if (at && j) {
        // submitted by a driver before: wait for that job (its id from the journal, or found by its name)
        const key = `${at.job}#${at.element}`
        const u = units.get(key) ?? { name: at.job, calls: [], reattached: true }
        u.calls.push(call)
        const b = budgetOf(u.calls)
        if (b !== undefined) u.budgetMs = b
        if (!units.has(key)) {
          units.set(key, u)
          if (j.id) (u.id = j.array ? system.array!.elementId(j.id, at.element) : j.id), tell(u)
          else lookups.add(u)
        }
        nextPoll = Date.now()
      } else {
        if (gathering.length === 0) gatherUntil = Date.now() + (options.gatherMs ?? 20)
        gathering.push(call)
      }
      ensureRunning()
      poke()
    })

  const stop = async () => {
    const us = live()
    const ids = us.filter((u) => u.id && !FINAL(u.state) && !u.cancelled).map((u) => u.id!)
    for (const u of us) u.cancelled = true // callers giving their calls up meanwhile cancel nothing more
    for (const s of submissions.splice(0)) for (const u of s.units) for (const c of u.calls) finish(c, errorOutcome(s.name, 'cancelled: the queue stopped before submitting the job'))
    for (const c of gathering.splice(0)) finish(c, errorOutcome(jobName(c.spec.runId, [c.spec.callId]), 'cancelled: the queue stopped before submitting the job'))
    if (ids.length > 0) {
      stats.cancels++
      await exec(system.cancel(ids))
    }
    for (const u of us) {
      u.cancelled = true
      for (const c of u.calls) finish(c, { ...callOutcome({}, { ...ref(u), state: { verdict: 'cancelled', raw: 'stopped' } }), message: 'cancelled: the queue stopped' })
    }
    poke()
    await running
  }

  return { submit, stop, stats }
}

/**
 * A fault hook for tests (as the run journal's `DFLOW_TEST_KILL_IN_JOURNAL`): with
 * `DFLOW_TEST_KILL_AFTER_SUBMIT=N` in its environment, the driver kills itself with SIGKILL right after its N-th
 * submission returned, before the job's id is journaled (test/dispatcher/slurm-restart.heavy.test.ts).
 */
let submitted = 0
const killAfterSubmit = (): void => {
  const n = Number(process.env.DFLOW_TEST_KILL_AFTER_SUBMIT)
  if (Number.isInteger(n) && n > 0 && ++submitted === n) process.kill(process.pid, 'SIGKILL')
}
