/**
 * The SSH context against the real sshd of scripts/services.sh (start sshd): key, password and agent auth,
 * a jump host, host keys checked (unknown, changed, hashed), SFTP and tar transfers, the channel pool, and
 * reconnects after the connection is cut (a proxy closed, the session's sshd killed, sshd restarted).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execa } from 'execa'
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, readlinkSync, writeFileSync, lstatSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ContextError, sshContext, type Context } from '../../lib/dispatcher/context/index.ts'
import { tcpProxy } from '../helpers/tcp-proxy.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serviceUp } from './support/services.ts'
import { knownHostsFor, sshConfigFor, sshTest } from './support/ssh.ts'

const test = suite('dispatcher/context: SSH to the real sshd')
const tmp = tempDir('ssh')
const remoteRoot = `/tmp/dflow-ssh-test-${randomBytes(4).toString('hex')}`
const opened: Context[] = []
const track = (c: Context) => (opened.push(c), c)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The error a promise rejects with (fails when it resolves). */
const rejection = async (p: Promise<unknown>): Promise<ContextError> => {
  try {
    await p
  } catch (e) {
    assert.instance(e, ContextError, String(e))
    return e as ContextError
  }
  return assert.unreachable('it resolved') as never
}

/** Signals a process that may have exited already (a session's processes end together). */
const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
  }
}

/** A loopback port nothing listens on now. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo
      srv.close(() => resolve(port))
    })
  })

/** pids of sshd processes holding a TCP connection from 127.0.0.1:`port` (the session's own processes). */
const sshdPidsFrom = (port: number): number[] => {
  const out = spawnSync('ss', ['-Htnp', 'state', 'established', `( dport = :${port} or sport = :${port} )`], { encoding: 'utf8' }).stdout
  return [...new Set([...out.matchAll(/"sshd",pid=(\d+)/g)].map((m) => Number(m[1])))]
}

if (serviceUp('sshd', 'the SSH context tests')) {
  const s = sshTest()
  const base = sshConfigFor(s, remoteRoot)
  test.after(async () => {
    const c = sshContext(base)
    await c.exec({ argv: ['rm', '-rf', remoteRoot] }).catch(() => undefined)
    await c.close()
    for (const o of opened) await o.close().catch(() => undefined)
    tmp.cleanup()
  })

  test('ed25519 key: commands run as the remote user, exit codes, stdin and stderr come back', async () => {
    const ctx = track(sshContext(base))
    assert.equal(await ctx.exec({ argv: ['id', '-un'] }), { exitCode: 0, stdout: `${s.user}\n`, stderr: '' })
    assert.equal(await ctx.exec({ argv: ['sh', '-c', 'cat; echo "$1" >&2; exit 7', 'sh', "it's  two words"], input: 'from stdin\n' }), { exitCode: 7, stdout: 'from stdin\n', stderr: "it's  two words\n" })
    assert.equal((await ctx.exec({ argv: ['pwd'], cwd: '/tmp' })).stdout, '/tmp\n')
    assert.equal((await ctx.exec({ argv: ['sh', '-c', 'kill -TERM $$'] })).exitCode, 143)
  })

  test('RSA key, with a known_hosts listing only the RSA host key (the server is asked for that type)', async () => {
    const kh = knownHostsFor(s, s.port, join(tmp.path, 'kh-rsa'), ['rsa'])
    const ctx = track(sshContext({ ...base, auth: { keys: [s.rsaKey] }, knownHosts: kh }))
    assert.is((await ctx.exec({ argv: ['id', '-un'] })).stdout, `${s.user}\n`)
  })

  test('password from the environment variable the config names; a wrong one is an auth error, a missing variable a config error', async () => {
    process.env['DFLOW_TEST_SSH_PASSWORD'] = s.password
    const ctx = track(sshContext({ ...base, auth: { passwordEnv: 'DFLOW_TEST_SSH_PASSWORD' } }))
    assert.is((await ctx.exec({ argv: ['id', '-un'] })).stdout, `${s.user}\n`)
    process.env['DFLOW_TEST_SSH_WRONG'] = 'not-the-password'
    const wrong = await rejection(track(sshContext({ ...base, auth: { passwordEnv: 'DFLOW_TEST_SSH_WRONG' } })).exec({ argv: ['true'] }))
    assert.is(wrong.reason, 'auth')
    assert.match(wrong.message, /password from \$DFLOW_TEST_SSH_WRONG/)
    assert.not.match(wrong.message, /not-the-password/)
    const unset = await rejection(track(sshContext({ ...base, auth: { passwordEnv: 'DFLOW_TEST_SSH_UNSET' } })).exec({ argv: ['true'] }))
    assert.is(unset.reason, 'config')
    assert.match(unset.message, /\$DFLOW_TEST_SSH_UNSET, which is not set/)
  })

  test('ssh-agent: the key held by an agent started here, by SSH_AUTH_SOCK (agent: true) and by its socket path', async () => {
    const sock = join(tmp.path, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' })
    try {
      for (let i = 0; i < 50 && !statSync(sock, { throwIfNoEntry: false }); i++) await sleep(50)
      const add = await execa('ssh-add', [s.key], { env: { SSH_AUTH_SOCK: sock }, reject: false })
      assert.is(add.exitCode, 0, add.stderr)
      const saved = process.env['SSH_AUTH_SOCK']
      process.env['SSH_AUTH_SOCK'] = sock
      try {
        const byEnv = track(sshContext({ ...base, auth: { agent: true } }))
        assert.is((await byEnv.exec({ argv: ['id', '-un'] })).stdout, `${s.user}\n`)
      } finally {
        if (saved === undefined) delete process.env['SSH_AUTH_SOCK']
        else process.env['SSH_AUTH_SOCK'] = saved
      }
      const byPath = track(sshContext({ ...base, auth: { agent: sock } }))
      assert.is((await byPath.exec({ argv: ['id', '-un'] })).stdout, `${s.user}\n`)
    } finally {
      agent.kill('SIGTERM')
    }
  })

  test('jump host: the sshd reached through itself; one TCP connection (the jump) carries both', async () => {
    const proxy = await tcpProxy(s.port)
    try {
      const kh = knownHostsFor(s, proxy.port, join(tmp.path, 'kh-jump'))
      writeFileSync(kh, readFileSync(kh, 'utf8') + readFileSync(s.knownHosts, 'utf8'))
      const ctx = track(sshContext({ ...base, knownHosts: kh, jump: `${s.user}@127.0.0.1:${proxy.port}` }))
      const r = await ctx.exec({ argv: ['sh', '-c', 'echo $SSH_CONNECTION'] })
      const [, srcPort] = r.stdout.trim().split(' ')
      assert.is(proxy.connections(), 1)
      assert.ok(srcPort !== undefined && Number(srcPort) !== proxy.upstreamPorts[0], `the session came from sshd's own forwarding, not straight through the proxy: ${r.stdout}`)
      for (let i = 0; i < 5; i++) assert.is((await ctx.exec({ argv: ['echo', String(i)] })).stdout, `${i}\n`)
      await ctx.close()
      assert.is(proxy.connections(), 1)
    } finally {
      await proxy.close()
    }
  })

  test('an unknown host is refused with the ssh-keyscan line that trusts it; that line, run, makes it known', async () => {
    const empty = join(tmp.path, 'kh-empty')
    writeFileSync(empty, '')
    const e = await rejection(track(sshContext({ ...base, knownHosts: empty })).exec({ argv: ['true'] }))
    assert.is(e.reason, 'unknown-host')
    assert.not.ok(e.retryable)
    const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(s.dir, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).stdout.split(' ')[1]!
    assert.ok(e.message.includes(fp), `${e.message} names ${fp}`)
    assert.match(e.message, /--known-hosts FILE/)
    const line = /`(ssh-keyscan [^`]*) >> ~\/\.ssh\/known_hosts`/.exec(e.message)?.[1]
    assert.is(line, `ssh-keyscan -p ${s.port} -t ed25519 127.0.0.1`)
    const trusted = join(tmp.path, 'kh-scanned')
    writeFileSync(trusted, spawnSync('sh', ['-c', line!], { encoding: 'utf8' }).stdout)
    assert.is((await track(sshContext({ ...base, knownHosts: trusted })).exec({ argv: ['id', '-un'] })).stdout, `${s.user}\n`)
  })

  test('a changed host key is refused loudly, naming the file and line that list the old one', async () => {
    const other = join(tmp.path, 'other_host_key')
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
    const kh = join(tmp.path, 'kh-changed')
    writeFileSync(kh, `# an old key\n[127.0.0.1]:${s.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`)
    const e = await rejection(track(sshContext({ ...base, knownHosts: kh })).exec({ argv: ['true'] }))
    assert.is(e.reason, 'changed-host-key')
    assert.match(e.message, /HAS CHANGED/)
    assert.ok(e.message.includes(`${kh}:2`), e.message)
    assert.match(e.message, /ssh-keygen -R/)
  })

  test('hashed known_hosts entries (ssh-keygen -H) are matched', async () => {
    const kh = join(tmp.path, 'kh-hashed')
    copyFileSync(s.knownHosts, kh)
    assert.is(spawnSync('ssh-keygen', ['-q', '-H', '-f', kh]).status, 0)
    assert.not.match(readFileSync(kh, 'utf8'), /127\.0\.0\.1/)
    assert.is((await track(sshContext({ ...base, knownHosts: kh })).exec({ argv: ['id', '-un'] })).stdout, `${s.user}\n`)
  })

  const tree = (root: string) => {
    mkdirSync(join(root, 'bin'), { recursive: true })
    mkdirSync(join(root, 'sub', 'empty'), { recursive: true })
    writeFileSync(join(root, 'a.txt'), 'alpha\n')
    writeFileSync(join(root, 'bin', 'run.sh'), '#!/bin/sh\necho ran\n')
    writeFileSync(join(root, 'sub', 'big.bin'), randomBytes(300_000))
    symlinkSync('../a.txt', join(root, 'sub', 'link'))
    chmodSync(join(root, 'a.txt'), 0o640)
    chmodSync(join(root, 'bin', 'run.sh'), 0o755)
    chmodSync(join(root, 'sub'), 0o750)
    chmodSync(join(root, 'sub', 'empty'), 0o711)
  }
  const listing = (root: string, rel = ''): string[] =>
    readdirSync(join(root, rel)).sort().flatMap((n) => {
      const p = join(rel, n)
      const st = lstatSync(join(root, p))
      const here = `${p} ${(st.mode & 0o7777).toString(8)} ${st.isSymbolicLink() ? `-> ${readlinkSync(join(root, p))}` : st.isFile() ? readFileSync(join(root, p)).toString('base64').slice(0, 40) + st.size : 'dir'}`
      return st.isDirectory() ? [here, ...listing(root, p)] : [here]
    })

  test('SFTP put and get of a file and a folder keep contents, modes and symlinks', async () => {
    const ctx = track(sshContext(base))
    const local = join(tmp.path, 'tree')
    tree(local)
    const there = ctx.layout.step('run-1', 'put')
    await ctx.put(local, there)
    await ctx.put(join(local, 'a.txt'), `${there}-file/copy.txt`)
    const modes = await ctx.exec({ argv: ['sh', '-c', 'cd "$0" && find . -printf "%p %m %y\\n" | sort', there] })
    assert.equal(modes.stdout.trim().split('\n'), ['. 755', './a.txt 640 f', './bin 755 d', './bin/run.sh 755 f', './sub 750 d', './sub/big.bin 644 f', './sub/empty 711 d', './sub/link 777 l'].map((l) => (l === '. 755' ? `. ${(statSync(local).mode & 0o777).toString(8)} d` : l)))
    assert.is((await ctx.exec({ argv: [`${there}/bin/run.sh`] })).stdout, 'ran\n')
    assert.is((await ctx.readFile(`${there}-file/copy.txt`))?.toString(), 'alpha\n')
    assert.is(await ctx.readFile(`${there}/none`), undefined)
    const back = join(tmp.path, 'back')
    await ctx.get(there, back)
    assert.equal(listing(back), listing(local))
    await ctx.get(`${there}/a.txt`, join(tmp.path, 'one', 'a.txt'))
    assert.is((statSync(join(tmp.path, 'one', 'a.txt')).mode & 0o777).toString(8), '640')
    const missing = await rejection(ctx.get(`${there}/nothing`, join(tmp.path, 'nothing')))
    assert.is(missing.reason, 'missing')
  })

  test('1,000 small files staged as one tar stream and fetched back the same way, over one connection', async () => {
    const proxy = await tcpProxy(s.port)
    try {
      const ctx = track(sshContext({ ...base, port: proxy.port, knownHosts: knownHostsFor(s, proxy.port, join(tmp.path, 'kh-tar')) }))
      const local = join(tmp.path, 'many')
      for (let d = 0; d < 10; d++) {
        mkdirSync(join(local, `d${d}`), { recursive: true })
        for (let f = 0; f < 100; f++) writeFileSync(join(local, `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`)
      }
      chmodSync(join(local, 'd3', 'f7.txt'), 0o700)
      const there = ctx.layout.step('run-1', 'many')
      await ctx.put(local, there, { via: 'tar' })
      const r = await ctx.exec({ argv: ['sh', '-c', 'cd "$0" && find . -type f | wc -l && cat d9/f99.txt && stat -c %a d3/f7.txt', there] })
      assert.is(r.stdout, '1000\nfile 9/99\n700\n')
      const back = join(tmp.path, 'many-back')
      await ctx.get(there, back, { via: 'tar' })
      assert.equal(listing(back), listing(local))
      assert.is(proxy.connections(), 1)
    } finally {
      await proxy.close()
    }
  })

  test('a tar fetch whose connection drops midway is fetched again whole on a new connection', async () => {
    const proxy = await tcpProxy(s.port, { cutFirstAfterBytes: 2_000_000 })
    try {
      const ctx = track(sshContext({ ...base, port: proxy.port, knownHosts: knownHostsFor(s, proxy.port, join(tmp.path, 'kh-tar-cut')) }))
      const there = ctx.layout.step('run-1', 'big')
      const made = await ctx.exec({ argv: ['sh', '-c', 'mkdir -p "$0" && cd "$0" && for i in 1 2 3 4 5 6; do head -c 1000000 /dev/urandom > f$i; done && cat f* | sha256sum', there] })
      assert.is(made.exitCode, 0, made.stderr)
      const back = join(tmp.path, 'big-back')
      await ctx.get(there, back, { via: 'tar' })
      const local = await execa('sh', ['-c', 'cat f* | sha256sum'], { cwd: back })
      assert.is(`${local.stdout}\n`, made.stdout)
      assert.is(proxy.connections(), 2, 'the first connection was cut during the transfer')
    } finally {
      await proxy.close()
    }
  })

  test('the channel pool: never more channels than maxSessions allows, and 120 commands at once against MaxSessions 50 all run', async () => {
    const ctx = track(sshContext({ ...base, maxSessions: 4 }))
    const dir = `${remoteRoot}/pool`
    await ctx.mkdirp(dir)
    const count = 'mkdir "$0/$$" && n=$(ls "$0" | wc -l) && sleep 0.3 && rmdir "$0/$$" && echo $n'
    const rs = await Promise.all(Array.from({ length: 12 }, () => ctx.exec({ argv: ['sh', '-c', count, dir] })))
    const most = Math.max(...rs.map((r) => Number(r.stdout)))
    assert.ok(rs.every((r) => r.exitCode === 0), JSON.stringify(rs))
    assert.ok(most <= 3 && most >= 2, `at most 3 exec channels beside the SFTP session: saw ${most}`)
    const wide = track(sshContext({ ...base, maxSessions: 50 }))
    const all = await Promise.all(Array.from({ length: 120 }, (_, i) => wide.exec({ argv: ['sh', '-c', 'sleep 0.2; echo $0', String(i)] })))
    assert.equal(all.map((r) => r.stdout), Array.from({ length: 120 }, (_, i) => `${i}\n`))
  })

  test('the connection cut mid-poll (the proxy drops it): a running submit fails as connection-lost, a running query is retried, the next command works', async () => {
    const proxy = await tcpProxy(s.port)
    try {
      const ctx = track(sshContext({ ...base, port: proxy.port, knownHosts: knownHostsFor(s, proxy.port, join(tmp.path, 'kh-cut')) }))
      assert.is((await ctx.exec({ argv: ['echo', 'before'] })).stdout, 'before\n')
      const submit = rejection(ctx.exec({ argv: ['sh', '-c', 'sleep 2; echo submitted'] })) // handled from the start
      const query = ctx.exec({ argv: ['sh', '-c', 'sleep 1; echo polled'] }, { idempotent: true })
      query.catch(() => undefined) // awaited below; a rejection fails the test there, not the runner
      await sleep(400)
      proxy.cut()
      const lost = await submit
      assert.is(lost.reason, 'connection-lost')
      assert.ok(lost.retryable)
      assert.is((await query).stdout, 'polled\n')
      assert.is((await ctx.exec({ argv: ['echo', 'after'] })).stdout, 'after\n')
      assert.is(proxy.connections(), 2)
    } finally {
      await proxy.close()
    }
  })

  test("the session's sshd process killed by pid (found by the client's source port): reconnect, the next command works", async () => {
    const proxy = await tcpProxy(s.port)
    try {
      const ctx = track(sshContext({ ...base, port: proxy.port, knownHosts: knownHostsFor(s, proxy.port, join(tmp.path, 'kh-kill')) }))
      assert.is((await ctx.exec({ argv: ['echo', 'one'] })).stdout, 'one\n')
      const running = rejection(ctx.exec({ argv: ['sleep', '5'] })) // handled from the start
      const pids = sshdPidsFrom(proxy.upstreamPorts[0]!)
      assert.ok(pids.length > 0, 'the session has sshd processes')
      assert.not.ok(pids.includes(Number(readFileSync(join(s.dir, 'sshd.pid'), 'utf8'))), 'not the listener')
      for (const pid of pids) signal(pid, 'SIGKILL')
      assert.is((await running).reason, 'connection-lost')
      assert.is((await ctx.exec({ argv: ['echo', 'two'] })).stdout, 'two\n')
      assert.is(proxy.connections(), 2)
    } finally {
      await proxy.close()
    }
  })

  test('sshd restarted: a command issued while it is down waits (backoff) and runs once it is back', async () => {
    const port = await freePort()
    const pidFiles = [join(tmp.path, 'sshd2-first.pid'), join(tmp.path, 'sshd2-second.pid')] as const
    const isAlive = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd'
      } catch {
        return false
      }
    }
    /** Starts a second sshd (the same config, another port and pid file) and answers its pid. */
    const start = async (pidFile: string): Promise<number> => {
      const r = spawnSync('/usr/sbin/sshd', ['-f', join(s.dir, 'sshd_config'), '-o', `Port=${port}`, '-o', `PidFile=${pidFile}`, '-E', join(tmp.path, 'sshd2.log')], { encoding: 'utf8' })
      assert.is(r.status, 0, r.stderr)
      for (let i = 0; i < 200 && !statSync(pidFile, { throwIfNoEntry: false })?.size; i++) await sleep(50)
      return Number(readFileSync(pidFile, 'utf8'))
    }
    const pids: number[] = []
    const ctx = track(sshContext({ ...base, port, knownHosts: knownHostsFor(s, port, join(tmp.path, 'kh-restart')) }))
    try {
      pids.push(await start(pidFiles[0]))
      assert.is((await ctx.exec({ argv: ['echo', 'up'] })).stdout, 'up\n')
      const sessions = sshdPidsFrom(port).filter((p) => p !== pids[0])
      assert.ok(sessions.length > 0, 'the session has sshd processes')
      process.kill(pids[0]!, 'SIGTERM')
      for (const p of sessions) signal(p, 'SIGKILL')
      for (let i = 0; i < 200 && isAlive(pids[0]!); i++) await sleep(50)
      const pending = ctx.exec({ argv: ['echo', 'back'] })
      pending.catch(() => undefined) // awaited below
      await sleep(1500)
      pids.push(await start(pidFiles[1]))
      assert.is((await pending).stdout, 'back\n')
    } finally {
      await ctx.close()
      for (const p of pids) if (isAlive(p)) process.kill(p, 'SIGTERM')
    }
  })
}
test.run()
