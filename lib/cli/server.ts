import { writeFileSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { startServer, type Runner } from '../argo/index.ts'
import { engineRunner } from './server-runner.ts'

const HELP = `Usage: dflow server [options]

A local server speaking the part of the Kubernetes API that Argo's clients use (kubectl, the argo CLI in
kube mode, @kubernetes/client-node, dflow's argo() client and the dflow verbs): workflows.argoproj.io in
any namespace, with watch, patch and Tables; pods with their logs; ConfigMaps. Argo on a laptop.

Options:
  --port N              the port (default 8001; 0: any free one)
  --host ADDRESS        the address to listen on (default 127.0.0.1: this machine only)
  --token TOKEN         require Authorization: Bearer TOKEN
  --tls-cert FILE       serve HTTPS with this certificate (PEM) …
  --tls-key FILE        … and this key
  --kubeconfig-out FILE write a kubeconfig that points at the server
  --runs-dir DIR        where the runs' folders go (default .dflow-runs; dflow status reads them)
  --time-scale X        multiply every sleep, timeout and deadline by X, as dflow run --time-scale
  --parallelism N       at most N step processes at once (default: the number of cores)
  --runner MODULE       run workflows with another runner: a module whose default export is a
                        Runner (see dflow-ts/argo: Runner); by default each workflow is imported
                        (as dflow run FILE.yaml imports one) and run on this machine
  -h, --help            show this help

Stop it with Ctrl-C.`

/** `dflow server`: runs until stopped; returns the exit code. @example await main(['--port', '8001']) */
export const main = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      runner: { type: 'string' },
      'runs-dir': { type: 'string' },
      'time-scale': { type: 'string' },
      parallelism: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return console.log(HELP), 0
  const port = Number(values.port ?? 8001)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return console.error(`dflow server: --port takes a port number, got "${values.port}"`), 2
  if (!values['tls-cert'] !== !values['tls-key']) return console.error('dflow server: --tls-cert and --tls-key go together'), 2
  const timeScale = values['time-scale'] === undefined ? undefined : Number(values['time-scale'])
  if (timeScale !== undefined && !(timeScale > 0)) return console.error(`dflow server: --time-scale takes a positive number, got "${values['time-scale']}"`), 2
  const parallelism = values.parallelism === undefined ? undefined : Number(values.parallelism)
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && parallelism > 0)) return console.error(`dflow server: --parallelism takes a positive integer, got "${values.parallelism}"`), 2
  let runner: Runner = engineRunner({ ...(values['runs-dir'] ? { runsDir: values['runs-dir'] } : {}), ...(timeScale !== undefined ? { timeScale } : {}), ...(parallelism ? { parallelism } : {}) })
  if (values.runner) {
    const mod = (await import(pathToFileURL(resolve(values.runner)).href)) as { default?: unknown }
    if (typeof mod.default !== 'function') return console.error(`dflow server: ${values.runner} has no default export that is a runner (a function)`), 2
    runner = mod.default as Runner
  }
  const server = await startServer({
    port,
    ...(values.host ? { host: values.host } : {}),
    runner,
    ...(values.token ? { token: values.token } : {}),
    ...(values['tls-cert'] ? { tls: { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']!) } } : {}),
  })
  const out = values['kubeconfig-out']
  if (out) {
    const user = values.token ? `{ token: ${values.token} }` : '{}'
    const tls = server.url.startsWith('https:') ? `    certificate-authority: ${resolve(values['tls-cert']!)}` : '    insecure-skip-tls-verify: true'
    writeFileSync(out, `apiVersion: v1\nkind: Config\nclusters:\n- name: dflow\n  cluster:\n    server: ${server.url}\n${tls}\nusers:\n- name: dflow\n  user: ${user}\ncontexts:\n- name: dflow\n  context: { cluster: dflow, user: dflow, namespace: default }\ncurrent-context: dflow\n`)
  }
  console.log(`dflow server: listening on ${server.url}${out ? ` (kubeconfig: ${out})` : ''}`)
  await new Promise<void>((done) => {
    const stop = () => void server.close().then(done)
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}
