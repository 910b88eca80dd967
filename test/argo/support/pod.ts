import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ArgoTemplate } from 'dflow-ts/argo'

/**
 * Runs a compiled script template as its pod would: its command on the source, in folder `dir` (empty, outside
 * the repo), with only the template's env, `{{…}}` tags filled in from `values` (missing ones are ''); `command`
 * replaces the template's (to run a `sh` template under dash and bash).
 *
 * @example
 * ```ts
 * runPod(templateNamed(m, 'double'), { 'inputs.parameters.n': '21' }, tmp.path).status // 0
 * ```
 */
export const runPod = (t: ArgoTemplate, values: Readonly<Record<string, string>>, dir: string, command?: readonly string[]) => {
  const file = join(dir, `${t.name}.script`)
  writeFileSync(file, t.script!.source)
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' }
  for (const e of t.script!.env as { name: string; value: string }[]) env[e.name] = e.value.replace(/\{\{([^}]+)\}\}/g, (_, k: string) => values[k] ?? '')
  const [cmd, ...args] = command ?? (t.script!.command as string[])
  return spawnSync(cmd!, [...args, file], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 })
}

/**
 * What Argo's executor makes of an output parameter's file (or a script's stdout): one trailing newline dropped
 * (argo-workflows workflow/executor/executor.go, "Trims off a single newline for user convenience").
 *
 * @example
 * ```ts
 * argoTrim('4\n') // '4'
 * ```
 */
export const argoTrim = (text: string): string => (text.endsWith('\n') ? text.slice(0, -1) : text)
