/**
 * Contexts: where batch jobs run and their files live — this machine (a shared filesystem) or a login node
 * over SSH (one multiplexed connection per host, jump hosts, known_hosts checked, SFTP and tar transfers).
 *
 * @example
 * ```ts
 * import { sshContext, contextExec } from './lib/dispatcher/context/index.ts'
 * import { slurm, submitJob } from './lib/dispatcher/batch/index.ts'
 * const ctx = sshContext({ host: 'login.hpc', user: 'me', root: '/scratch/me/dflow', auth: { keys: ['~/.ssh/id_ed25519'] } })
 * const s = await submitJob(slurm, contextExec(ctx, slurm), { name: 'a', command: 'hostname', workDir: ctx.layout.step('run-1', 'a') })
 * ```
 */
export type { Context, ExecOptions, StreamIo, StreamResult, TransferOptions } from './types.ts'
export { ContextError, type ContextErrorReason } from './errors.ts'
export { layout, segment, type Layout } from './layout.ts'
export { localContext } from './local.ts'
export { sshContext } from './ssh/context.ts'
export { parseEndpoint, type SshAuth, type SshConfig, type SshEndpoint } from './ssh/config.ts'
export { checkHostKey, fingerprint, hostName, parseKnownHosts, type HostKeyCheck, type KnownHost } from './ssh/known-hosts.ts'
export { contextExec, isQuery } from './batch-exec.ts'
export { machineContext, type MachineContext } from './machine.ts'
