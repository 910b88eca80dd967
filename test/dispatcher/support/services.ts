import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url))

/**
 * Whether a real service of `scripts/services.sh` (slurm, sshd, sge) is up. When it is not, this prints a
 * visible notice and the caller skips; with `DFLOW_REQUIRE_SERVICES=1` it prints an error and answers true,
 * so the tests run and fail against the missing service, each counted by the runner.
 *
 * @example
 * ```ts
 * if (serviceUp('slurm', 'real Slurm jobs')) test('…', async () => …)
 * ```
 */
export const serviceUp = (name: 'slurm' | 'sshd' | 'sge', what: string): boolean => {
  const r = spawnSync('bash', [script, 'status', name], { encoding: 'utf8' })
  if (r.status === 0) return true
  const why = `${name} is not up (scripts/services.sh status ${name}: ${(r.stdout + r.stderr).trim().split('\n').join('; ')})`
  if (process.env['DFLOW_REQUIRE_SERVICES'] === '1') {
    process.stdout.write(`ERROR: ${what} need ${why}; start it with: sudo scripts/services.sh start ${name}\n`)
    return true
  }
  process.stdout.write(`NOTICE: skipping ${what}: ${why} (start it with scripts/services.sh start ${name}; DFLOW_REQUIRE_SERVICES=1 makes this an error)\n`)
  return false
}
