import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { killGroup } from './process-group.ts'
import { environOf, processIds } from './proc.ts'

/** What a process is, read from /proc: its parent, its start time, and the namespaces and root it sees. */
interface Proc {
  readonly pid: number
  readonly ppid: number
  /** Its process group. */
  readonly group: number
  readonly start: number
  /** Its mount namespace and root folder (device and inode): where its paths lead. */
  readonly where: string
  readonly userNs: string
  readonly pidNs: string
}

const procOf = (pid: number): Proc | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the fields after the command's name, which is in parentheses and may hold any character
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const root = statSync(`/proc/${pid}/root`) // the folder it leads to (stat follows the link)
    return {
      pid,
      ppid: Number(f[1]),
      group: Number(f[2]),
      start: Number(f[19]),
      where: `${readlinkSync(`/proc/${pid}/ns/mnt`)} ${root.dev}:${root.ino}`,
      userNs: readlinkSync(`/proc/${pid}/ns/user`),
      pidNs: readlinkSync(`/proc/${pid}/ns/pid`),
    }
  } catch {
    return undefined // gone, or not ours to read
  }
}

/**
 * The process of a step's process group whose namespace an exec probe enters, as a kubelet enters the
 * container's: of the group's processes that see other paths than their parent (a mount namespace or root
 * of their own: the command the launcher started in its namespace, bubblewrap's child, argo-leaf.py's chrooted
 * container), the one started last — the main container of a pod whose sidecars started first; where none
 * does (no isolation), the group's leader, on this host's paths. Undefined when the group is gone.
 *
 * @example
 * ```ts
 * probeTarget(4242) // { pid: 4250, enter: true, … }: the daemon's command in its mount namespace
 * ```
 */
export const probeTarget = (group: number): (Proc & { readonly enter: boolean }) | undefined => {
  const members = processIds().map(procOf).filter((p): p is Proc => p !== undefined && p.group === group)
  const self = procOf(process.pid)
  if (!members.length || !self) return undefined
  const byPid = new Map(members.map((p) => [p.pid, p]))
  const whereOf = (pid: number) => byPid.get(pid)?.where ?? procOf(pid)?.where
  const entries = members.filter((p) => p.where !== self.where && p.where !== whereOf(p.ppid)).sort((a, b) => b.start - a.start || b.pid - a.pid)
  if (entries.length) return { ...entries[0]!, enter: true }
  const leader = byPid.get(group)
  return leader ? { ...leader, enter: false } : undefined
}

/** nsenter (util-linux), found on this process's PATH. */
const nsenter = (): string | undefined =>
  [...(process.env.PATH ?? '/usr/bin:/bin').split(delimiter), '/usr/bin', '/bin'].map((d) => join(d, 'nsenter')).find((p) => existsSync(p))

/**
 * One try of an exec readiness probe: whether `command` exits 0 within the timeout, run as a kubelet runs it in
 * the container — not through a shell, inside the daemon's namespaces (mount, and user and pid when they are
 * its own), at its root and working folder, with its environment (`nsenter -t PID -m -r -w`), found by
 * {@link probeTarget} in the step's process group. A try that cannot run (the group is gone, nsenter missing)
 * fails; one that overruns is killed, and fails.
 *
 * @example
 * ```ts
 * await execReady(['cat', '/tmp/ready'], 4242, 1000) // true once the daemon wrote its own /tmp/ready
 * ```
 */
export const execReady = (command: readonly string[], group: number | undefined, timeoutMs: number): Promise<boolean> => {
  const target = group === undefined ? undefined : probeTarget(group)
  if (!target) return Promise.resolve(false)
  let env: Record<string, string>
  let file: string
  let args: string[]
  let cwd: string | undefined
  try {
    env = environOf(target.pid)
    if (target.enter) {
      const self = procOf(process.pid)!
      file = nsenter() ?? ''
      if (!file) return Promise.resolve(false)
      args = ['-t', String(target.pid), '-m', '-r', '-w', ...(target.userNs !== self.userNs ? ['-U', '--preserve-credentials'] : []), ...(target.pidNs !== self.pidNs ? ['-p'] : []), '--', ...command]
    } else {
      ;[file, ...args] = command as [string, ...string[]]
      cwd = readlinkSync(`/proc/${target.pid}/cwd`)
    }
  } catch {
    return Promise.resolve(false)
  }
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: 'ignore', detached: true, ...(cwd ? { cwd } : {}) })
    const timer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), timeoutMs)
    const done = (ok: boolean) => {
      clearTimeout(timer)
      resolve(ok)
    }
    child.once('error', () => done(false))
    child.once('exit', (code) => done(code === 0))
  })
}
