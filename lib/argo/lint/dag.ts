import { findCycle, type Problem } from 'dflow-ts'
import { isObj, lintProblem, objs, templatePath, type LintRule, type Obj } from './context.ts'

const RESULTS = new Set(['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned', 'AnySucceeded', 'AllFailed'])

/**
 * The task names a `depends` expression mentions (`"A && (B.Failed || !C)"` → A, B, C), and the words that
 * are not a task result it knows.
 *
 * @example
 * ```ts
 * dependsNames('B && C.Failed') // { names: ['B', 'C'], bad: [] }
 * ```
 */
export const dependsNames = (expr: string): { names: string[]; bad: string[] } => {
  const words = expr.replace(/&&|\|\||[!()]/g, ' ').split(/\s+/).filter(Boolean)
  const names: string[] = []
  const bad: string[] = []
  for (const w of words) {
    const [name, result, ...more] = w.split('.')
    if (!name || more.length || (result !== undefined && !RESULTS.has(result))) bad.push(w)
    else names.push(name)
  }
  return { names, bad }
}

const depsOf = (task: Obj): string[] =>
  typeof task['depends'] === 'string' ? dependsNames(task['depends']).names : Array.isArray(task['dependencies']) ? task['dependencies'].filter((d): d is string => typeof d === 'string') : []

const cycle = (tasks: readonly Obj[]): string[] | undefined => {
  const names = tasks.map((t) => String(t['name']))
  const index = new Map(names.map((n, i) => [n, i]))
  const edges = tasks.map((t) => depsOf(t).flatMap((d) => (index.has(d) ? [index.get(d)!] : [])))
  const c = findCycle(names.length, (i) => edges[i]!)
  return c && [...c, c[0]!].map((i) => names[i]!)
}

const dagProblems = (tasks: readonly Obj[], path: readonly string[]): Problem[] => {
  const names = new Set(tasks.map((t) => t['name']))
  const usingDepends = tasks.some((t) => t['depends'] !== undefined)
  const usingDeps = usingDepends || tasks.some((t) => Array.isArray(t['dependencies']) && t['dependencies'].length > 0)
  const perTask = tasks.flatMap((t, i) => {
    const at = [...path, 'tasks', String(i)]
    const name = String(t['name'])
    const out: Problem[] = []
    if (typeof t['depends'] === 'string') {
      const { names: refs, bad } = dependsNames(t['depends'])
      for (const w of bad) out.push(lintProblem([...at, 'depends'], 'depends', `"${w}" in depends of "${name}" is not a task or task.Result`))
      for (const r of refs) if (!names.has(r)) out.push(lintProblem([...at, 'depends'], 'depends', `task "${name}" depends on "${r}", which is not a task of this DAG`))
    }
    if (Array.isArray(t['dependencies']))
      for (const r of t['dependencies']) if (!names.has(r)) out.push(lintProblem([...at, 'dependencies'], 'depends', `task "${name}" depends on "${String(r)}", which is not a task of this DAG`))
    if (usingDepends && Array.isArray(t['dependencies'])) out.push(lintProblem(at, 'depends', 'a DAG cannot use both depends and dependencies'))
    if (usingDepends && t['continueOn'] !== undefined)
      out.push(lintProblem([...at, 'continueOn'], 'depends', `task "${name}" cannot use continueOn in a DAG that uses depends`, 'use "TASK.Failed" / "TASK.Errored" in the dependents\' depends'))
    if (usingDeps && /^[0-9]/.test(name)) out.push(lintProblem([...at, 'name'], 'depends', `task name "${name}" cannot begin with a digit in a DAG with dependencies`))
    return out
  })
  const c = cycle(tasks)
  return [...perTask, ...(c ? [lintProblem(path, 'dag-cycle', `dependency cycle: ${c.join(' -> ')}`)] : [])]
}

/**
 * DAG rules: `depends` and `dependencies` name tasks of the same DAG, are not mixed, no `continueOn` beside
 * `depends`, no task name beginning with a digit, and no dependency cycle.
 *
 * @example
 * ```ts
 * dag(ctxOf({ kind: 'Workflow', spec: { templates: [{ name: 'd', dag: { tasks: [{ name: 'A', depends: 'B' }, { name: 'B', depends: 'A' }] } }] } }))
 * // [{ path: ['spec', 'templates', '0', 'dag'], message: 'dependency cycle: A -> B -> A [lint: dag-cycle]' }]
 * ```
 */
export const dag: LintRule = (ctx) =>
  ctx.templates.flatMap(({ t, i }) => (isObj(t['dag']) ? dagProblems(objs(t['dag']['tasks']), [...templatePath(ctx, i), 'dag']) : []))
