// The bench's Node spawn loop, run as a bare Node process (no tsx, no project code loaded), so that it
// measures what starting processes costs a small Node driver, and so that its hundreds of forks do not
// leave the bench process itself slower for the runner measured after it.
//
// Protocol (IPC): the parent sends { dir, stages }, each stage { width, commands }; the stages run one
// after another, the commands of a stage as `/bin/sh -c` with at most `width` at once, in `dir`. The
// reply is { done: true } or { error: message }. It says { ready: true } first, once it has started one
// process (so that loading Node's process code and its JIT are not timed).
import { spawn } from 'node:child_process'

const sh = (cmd, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', cmd], { cwd, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`sh -c ${cmd.slice(0, 60)}: exit ${code ?? signal}`))))
  })

const stage = async ({ width, commands }, cwd) => {
  let next = 0
  const worker = async () => {
    while (next < commands.length) await sh(commands[next++], cwd)
  }
  await Promise.all(Array.from({ length: Math.min(width, commands.length) }, worker))
}

await sh('true', process.cwd())
process.send({ ready: true })

process.on('message', async ({ dir, stages }) => {
  try {
    for (const s of stages) await stage(s, dir)
    process.send({ done: true })
  } catch (e) {
    process.send({ error: e.message })
  }
})
