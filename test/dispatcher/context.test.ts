/**
 * Contexts without a server: the deterministic layout, `[user@]host[:port]`, the remote command line (run by
 * a real sh), known_hosts matching (plain, patterns, negation, revoked, changed), which batch commands are
 * queries (retried after a reconnect), the auth settings' errors, and the local context on real files.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { execa } from 'execa'
import { createHmac, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import ssh2 from 'ssh2'
import { DflowError } from '../../dsl/problem.ts'
import { lsf, pbs, sge, shell, slurm, submitJob, type BatchJob } from '../../lib/dispatcher/batch/index.ts'
import { checkHostKey, contextExec, ContextError, hostName, isQuery, layout, localContext, machineContext, parseEndpoint, parseKnownHosts, segment } from '../../lib/dispatcher/context/index.ts'
import { authPlan } from '../../lib/dispatcher/context/ssh/auth.ts'
import { commandLine } from '../../lib/dispatcher/context/ssh/command-line.ts'
import { hostKeyAlgorithms } from '../../lib/dispatcher/context/ssh/known-hosts.ts'
import { tempDir } from '../helpers/tmp.ts'

const test = suite('dispatcher/context')
const tmp = tempDir('context')
test.after(tmp.cleanup)

test('layout: ROOT/RUN and ROOT/RUN/steps/STEP; an unsafe id becomes a safe segment with a hash, the same every time', () => {
  assert.is(layout('/scratch/me').run('wf-1'), '/scratch/me/wf-1')
  assert.is(layout('/scratch/me').step('wf-1', 'hello.0'), '/scratch/me/wf-1/steps/hello.0')
  const odd = segment('loop(1) step/x')
  assert.match(odd, /^loop-1-step-x-[0-9a-f]{8}$/)
  assert.is(segment('loop(1) step/x'), odd)
  assert.is.not(segment('a b'), segment('a-b'))
  assert.match(segment('..'), /^x-[0-9a-f]{8}$/)
  assert.match(segment('-lead'), /^lead-[0-9a-f]{8}$/)
})

test('parseEndpoint: user, host, port, bracketed IPv6; a bad one names the field', () => {
  assert.equal(parseEndpoint('hpcuser@127.0.0.1:2222'), { host: '127.0.0.1', port: 2222, user: 'hpcuser' })
  assert.equal(parseEndpoint('login.example.org'), { host: 'login.example.org' })
  assert.equal(parseEndpoint('me@[::1]:22'), { host: '::1', port: 22, user: 'me' })
  for (const bad of ['me@', 'a b', 'h:99999', 'h:x'])
    assert.throws(() => parseEndpoint(bad, 'ssh-jump'), (e: unknown) => e instanceof DflowError && e.problems[0]!.path[0] === 'ssh-jump')
})

test('the remote command line: a POSIX sh receives every argument, the environment and the folder exactly', async () => {
  const argv = ['printf', '%s|', "it's", 'two words', '$HOME', '`x`', '', 'a\nb', '*']
  const dir = join(tmp.path, "odd dir 'q'")
  mkdirSync(dir)
  const line = commandLine({ argv: [...argv, 'end'], cwd: dir }, { GREETING: "hi 'there' $x" })
  const r = await execa('sh', ['-c', `${line}; printf '%s|%s|%s' "$GREETING" "$LC_ALL" "$PWD"`])
  assert.is(r.stdout, `it's|two words|$HOME|\`x\`||a\nb|*|end|hi 'there' $x|C|${dir}`)
  assert.throws(() => commandLine({ argv: ['true'] }, { 'BAD-NAME': 'x' }), /not a shell name/)
})

const blob = (k: ReturnType<typeof ssh2.utils.generateKeyPairSync>) => Buffer.from(k.public.split(' ')[1]!, 'base64')

test('known_hosts: plain names, [host]:port, patterns and negation, hashed names, revoked and changed keys', () => {
  const a = blob(ssh2.utils.generateKeyPairSync('ed25519'))
  const b = blob(ssh2.utils.generateKeyPairSync('ed25519'))
  const salt = randomBytes(20)
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h3]:2222').digest('base64')}`
  const text = [
    '# comment', '',
    `[127.0.0.1]:2222 ssh-ed25519 ${a.toString('base64')}`,
    `*.cluster.org,!evil.cluster.org ssh-ed25519 ${a.toString('base64')}`,
    `${hashed} ssh-ed25519 ${a.toString('base64')}`,
    `@revoked * ssh-ed25519 ${b.toString('base64')}`,
    'garbage-line',
  ].join('\n')
  const entries = parseKnownHosts(text, 'kh')
  assert.is(entries.length, 4)
  assert.is(hostName('127.0.0.1', 2222), '[127.0.0.1]:2222')
  assert.is(hostName('login', 22), 'login')
  assert.is(checkHostKey(entries, '[127.0.0.1]:2222', a).verdict, 'known')
  assert.is(checkHostKey(entries, '127.0.0.1', a).verdict, 'unknown', 'port 22 is another name')
  assert.is(checkHostKey(entries, 'login.cluster.org', a).verdict, 'known')
  assert.is(checkHostKey(entries, 'evil.cluster.org', a).verdict, 'unknown')
  assert.is(checkHostKey(entries, '[h3]:2222', a).verdict, 'known')
  assert.is(checkHostKey(entries, '[h4]:2222', a).verdict, 'unknown')
  const changed = checkHostKey(entries, '[127.0.0.1]:2222', blob(ssh2.utils.generateKeyPairSync('ed25519')))
  assert.is(changed.verdict, 'changed')
  assert.is(changed.verdict === 'changed' && changed.listed[0]!.line, 3)
  assert.is(checkHostKey(entries, '[127.0.0.1]:2222', b).verdict, 'revoked')
  const rsa = blob(ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 }))
  assert.is(checkHostKey(entries, '[127.0.0.1]:2222', rsa).verdict, 'unknown', 'another key type is not a change')
  const onlyRsa = parseKnownHosts(`h ssh-rsa ${rsa.toString('base64')}\n`, 'kh')
  assert.equal(hostKeyAlgorithms(onlyRsa, 'h').slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'])
  assert.is(hostKeyAlgorithms(onlyRsa, 'other')[0], 'ssh-ed25519')
})

test('isQuery: status and fallback queries and cat are queries (retried after a reconnect); submit and cancel are not', () => {
  const job: BatchJob = { name: 'a', command: 'true', workDir: '/w/a' }
  for (const system of [slurm, sge, pbs, lsf, shell]) {
    const q = isQuery(system)
    assert.ok(q(system.status(['41', '42'])), `${system.name} status`)
    for (const f of system.fallbacks) assert.ok(q(f.command(['41'])), `${system.name} fallback`)
    assert.ok(q({ argv: ['cat', '/w/a/a.exit'] }))
    assert.not.ok(q(system.submit('/w/a/a.sh', job)), `${system.name} submit`)
    assert.not.ok(q(system.cancel(['41'])), `${system.name} cancel`)
  }
})

test('auth settings: a missing key file, an unset variable, no method at all are config errors naming them; the password never shows', () => {
  const key = join(tmp.path, 'id')
  writeFileSync(key, ssh2.utils.generateKeyPairSync('ed25519').private)
  const plan = authPlan('ssh://me@h:22', 'me', { keys: [key], passwordEnv: 'PW' }, { PW: 'secret' })
  assert.equal(plan.tried, [`key ${key}`, 'password from $PW'])
  assert.not.match(JSON.stringify(plan.tried), /secret/)
  const reason = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof ContextError && e.reason === 'config' && re.test(e.message))
  reason(() => authPlan('c', 'me', { keys: [join(tmp.path, 'none')] }, {}), /key file .*none cannot be read/)
  writeFileSync(join(tmp.path, 'notakey'), 'hello')
  reason(() => authPlan('c', 'me', { keys: [join(tmp.path, 'notakey')] }, {}), /not a usable private key/)
  reason(() => authPlan('c', 'me', { passwordEnv: 'NOPE' }, {}), /\$NOPE, which is not set/)
  reason(() => authPlan('c', 'me', { agent: true }, {}), /SSH_AUTH_SOCK is not set/)
  reason(() => authPlan('c', 'me', {}, {}), /no way to authenticate/)
})

test('local context: exec, streamed spawn, put/get of a folder with modes, mkdirp, readFile of a missing file', async () => {
  const ctx = localContext({ root: join(tmp.path, 'root') })
  assert.is(ctx.layout.step('r', 's'), join(tmp.path, 'root', 'r', 'steps', 's'))
  assert.equal(await ctx.exec({ argv: ['sh', '-c', 'cat; exit 4'], input: 'in' }), { exitCode: 4, stdout: 'in', stderr: '' })
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  assert.equal(await ctx.spawn({ argv: ['tr', 'a-z', 'A-Z'] }, { stdin: Readable.from([Buffer.from('streamed')]), stdout: out }), { exitCode: 0 })
  assert.is(Buffer.concat(chunks).toString(), 'STREAMED')
  assert.equal(await ctx.spawn({ argv: ['sh', '-c', 'kill -TERM $$'] }, {}), { exitCode: 143, signal: 'SIGTERM' })
  const src = join(tmp.path, 'src')
  mkdirSync(join(src, 'd'), { recursive: true })
  writeFileSync(join(src, 'd', 'x.sh'), 'echo\n')
  chmodSync(join(src, 'd', 'x.sh'), 0o750)
  const there = join(ctx.layout.step('r', 's'), 'in')
  await ctx.put(src, there, { via: 'tar' })
  assert.is((statSync(join(there, 'd', 'x.sh')).mode & 0o777).toString(8), '750')
  await ctx.get(there, join(tmp.path, 'back'))
  assert.is(readFileSync(join(tmp.path, 'back', 'd', 'x.sh'), 'utf8'), 'echo\n')
  await ctx.mkdirp(join(ctx.root, 'a', 'b'))
  assert.ok(statSync(join(ctx.root, 'a', 'b')).isDirectory())
  assert.is(await ctx.readFile(join(ctx.root, 'nothing')), undefined)
  assert.is((await ctx.readFile(join(there, 'd', 'x.sh')))?.toString(), 'echo\n')
  const s = await submitJob(shell, contextExec(ctx, shell), { name: 'j', command: 'true', workDir: ctx.layout.step('r', 'j') })
  assert.ok('id' in s, JSON.stringify(s))
  await ctx.close()
  const closed = await ctx.exec({ argv: ['true'] }).then(() => undefined, (e: unknown) => e)
  assert.ok(closed instanceof ContextError && closed.reason === 'not-started', String(closed))
})

test("a DPDispatcher machine dict's context: SSHContext and LocalContext map; a literal password, totp or a bad proxy_command is refused with what to write instead", () => {
  assert.equal(
    machineContext({ context_type: 'SSHContext', remote_root: '/scratch/me', remote_profile: { hostname: 'login', username: 'me', port: 2222, key_filename: '~/.ssh/id_rsa', timeout: 5, proxy_command: 'ssh -W login:2222 -p 2200 jumper@bastion', password_env: 'PW' } }),
    { kind: 'ssh', config: { host: 'login', user: 'me', port: 2222, root: '/scratch/me', auth: { keys: ['~/.ssh/id_rsa'], passwordEnv: 'PW' }, jump: { host: 'bastion', user: 'jumper', port: 2200 }, readyTimeoutMs: 5000 } },
  )
  assert.equal(machineContext({ context_type: 'ssh', remote_root: '/r', remote_profile: { hostname: 'h', username: 'u' } }), { kind: 'ssh', config: { host: 'h', user: 'u', root: '/r' } })
  assert.equal(machineContext({ context_type: 'LocalContext', local_root: './', remote_root: '/tmp/work' }), { kind: 'local', root: '/tmp/work' })
  try {
    machineContext({ context_type: 'SSHContext', remote_root: 'relative', remote_profile: { hostname: 'h', password: 'hunter2', totp_secret: 'X', proxy_command: 'nc bastion 22' } })
    assert.unreachable('refused')
  } catch (e) {
    assert.instance(e, DflowError)
    const paths = (e as DflowError).problems.map((p) => p.path.join('.'))
    assert.equal(paths.sort(), ['machine.remote_profile.password', 'machine.remote_profile.proxy_command', 'machine.remote_profile.totp_secret', 'machine.remote_profile.username', 'machine.remote_root'])
    assert.match((e as DflowError).message, /password_env/)
    assert.not.match((e as DflowError).message, /hunter2/)
  }
  assert.throws(() => machineContext({ context_type: 'HDFSContext' }), /context_type "HDFSContext" is not supported/)
})

test.run()
