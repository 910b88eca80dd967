import { jobFiles } from './job-files.ts'
import { lines, only, submittedBy } from './parse-util.ts'
import { jobScript } from './script.ts'
import type { BatchSystem, JobState } from './types.ts'

/** One shell loop over all pids: `pid|state|session` from /proc/PID/stat, or `pid|gone`. */
const STATUS = 'for p; do st=$(cat /proc/"$p"/stat 2>/dev/null) || { echo "$p|gone"; continue; }; set -- ${st##*) }; echo "$p|$1|$4"; done'

/**
 * Shell: the script as a detached process (its own session, so its pid is its process group), on the machine the
 * exec reaches. Status by /proc: alive while the pid is a live session leader (a reused pid is not one); once it
 * is gone the exit-code file decides. Cancel signals the whole process group.
 *
 * @example
 * ```ts
 * shell.parseStatus({ exitCode: 0, stdout: '41|S|41\n42|gone\n', stderr: '' }, ['41', '42']).get('41')?.verdict // 'running'
 * ```
 */
export const shell: BatchSystem = {
  name: 'shell',
  render: (job) => jobScript([], job),
  submit: (script, job) => {
    const f = jobFiles(job)
    return { argv: ['bash', '--norc', '-c', 'setsid bash "$0" >"$1" 2>"$2" </dev/null & echo $!', script, f.stdout, f.stderr], cwd: job.workDir }
  },
  parseSubmit: (r) => submittedBy(/^(\d+)$/, r),
  status: (ids) => ({ argv: ['bash', '--norc', '-c', STATUS, 'status', ...ids] }),
  parseStatus: (r, ids) =>
    only(
      ids,
      lines(r.stdout).flatMap((l) => {
        const [id, state, session] = l.split('|')
        if (!id || !state) return []
        const alive = state !== 'gone' && state !== 'Z' && state !== 'X' && session === id
        return alive ? [[id, { verdict: 'running', raw: state } satisfies JobState] as const] : []
      }),
    ),
  fallbacks: [],
  cancel: (ids) => ({ argv: ['kill', '-TERM', '--', ...ids.map((id) => `-${id}`)] }),
}
