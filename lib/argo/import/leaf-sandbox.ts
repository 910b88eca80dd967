import { spawnSync } from 'node:child_process'
import { hostPython } from './host-python.ts'
import { accessSync, constants, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs'
import { fileVarOf } from 'dflow-ts'
import { packageFile } from '../../loader/package-files.ts'
import { pieces } from './tags.ts'

/**
 * The fast way to run an imported leaf: the step's sh script substitutes Argo's tags itself (each tag is a
 * quoted `"${variable}"` of the call's value, which the shell expands once and never re-reads, so the text is
 * replaced exactly as Argo's `{{…}}` templating does) and execs bubblewrap, which runs the command in the
 * private root argo-leaf.py builds: the host's top-level folders bound in, `/tmp` and every top-level folder a
 * declared path lives in replaced by the step's own folder. No interpreter starts for the step unless its own
 * command is one (a `python` image's python3). Where the launcher has made the step's namespace itself (as
 * root: {@link namespaceExec}), the launcher starts the command itself instead, and bubblewrap is not used.
 *
 * It covers the leaves most steps are: one container (or script), parameters in, outputs in private folders
 * (`/tmp/y.txt`); anything more (input artifacts, volumes, init containers and sidecars, memoize,
 * synchronization, repository keys, outputs right under `/` or in sub-folders, which
 * argo-leaf.py prunes or copies out) and hosts without a working `bwrap` keep argo-leaf.py, to which the script
 * falls through (as with DFLOW_ARGO_ISOLATION=none).
 *
 * @example
 * ```ts
 * sandboxScript({ argv: ['sh', '-c', 'echo {{inputs.parameters.x}}'], source: null, workingDir: null, env: [] }, { private: ['tmp'], vars: { 'inputs.parameters.x': 'dflow_in_x' }, literals: {}, unset: ['dflow_in_x'], scaled: false })
 * // 'exec bwrap --die-with-parent … -- sh -c \'echo \'"${dflow_in_x}"\n' (or undefined without bwrap)
 * ```
 */
export const sandboxScript = (c: SandboxContainer, s: SandboxScope): string | undefined => {
  if (!bwrapWorks()) return undefined
  const words = commandWords(c, s)
  if (!words) return undefined
  const w = { ...words, source: words.source && shellWord(words.source), cwd: words.cwd && shellWord(words.cwd), program: quote(words.program), args: words.args.map(shellWord), env: words.env.map(([k, v]) => [k, shellWord(v)] as const) }
  const argv0 = c.argv[0]!
  const lines: string[] = []
  const tail: string[] = []
  // the command as argo-leaf.py runs it: python is the host's python3; a command found outside the system's
  // folders (which the private root may hide) is bound beside the step's tools
  if (!w.python && !argv0.includes('/')) {
    lines.push(`p=; IFS=:; for d in \${PATH-}; do if [ -f "$d"/${quote(argv0)} ] && [ -x "$d"/${quote(argv0)} ]; then p=$d/${quote(argv0)}; break; fi; done; unset IFS`)
    lines.push(`case $p in ''|/usr/*|/bin/*|/sbin/*) set -- ;; *) set -- --ro-bind "$p" ${quote(`/.dflow-bin/${argv0}`)} ;; esac`)
    tail.push('"$@"')
  }
  for (const d of s.private) lines.push(`[ -d ${quote(d)} ] || mkdir -p -- ${quote(d)} || exit 2`)
  for (const d of s.prune ?? []) lines.push(`rmdir -- ${quote(d)} 2>/dev/null || :`)
  if (w.source !== null) lines.push(`printf '%s' ${w.source} > "\${PWD%/*}/argo-script" || exit 2`)
  const root = rootEntries().filter((e) => !s.private.includes(e.name) && e.name !== SCRIPT_TOP)
  const bw = [
    'exec bwrap --die-with-parent',
    ...root.map((e) => (e.link !== undefined ? `--symlink ${quote(e.link)} ${quote(`/${e.name}`)}` : `--dev-bind-try ${quote(`/${e.name}`)} ${quote(`/${e.name}`)}`)),
    ...s.private.map((d) => `--bind "$PWD"/${quote(d)} ${quote(`/${d}`)}`),
    '--dir /.dflow-bin',
    ...tail,
    ...(s.scaled ? [`--ro-bind ${quote(SCALED)}/sleep /.dflow-bin/sleep --ro-bind ${quote(SCALED)}/py /.dflow-py`] : []),
    ...(w.source !== null ? [`--perms 0755 --file 3 ${quote(SCRIPT_PATH)}`] : []),
    ...(w.cwd !== null ? [`--dir ${w.cwd} --chdir ${w.cwd}`] : ['--chdir /']),
    ...['DFLOW_ARGO_TEMPLATE', 'DFLOW_NAMESPACE', ...s.unset.flatMap((n) => [n, fileVarOf(n)])].map((n) => `--unsetenv ${n}`),
    '--setenv PATH "/.dflow-bin:${PATH-/usr/bin:/bin}"',
    ...(s.scaled ? ['--setenv PYTHONPATH "/.dflow-py${PYTHONPATH:+:$PYTHONPATH}"'] : []),
    ...w.env.map(([k, v]) => `--setenv ${quote(k)} ${v}`),
    '--',
    w.program,
    ...w.args,
    ...(w.source !== null ? [quote(SCRIPT_PATH), `3<"\${PWD%/*}/argo-script"`] : []),
  ]
  return `${lines.join('\n')}${lines.length ? '\n' : ''}${bw.join(' \\\n  ')}\n`
}

/**
 * What the launcher runs once it has made the step's mount namespace (lib/local/launcher.py's `exec`: `/tmp` and
 * the step's other private top-level folders bound over the host's, asked through {@link namespaceRequest}):
 * the command itself, each word's tags pasted by the launcher from the call's variables (never read by a
 * shell), the call's variables dropped from its environment, in its working folder — no shell and no process
 * for the namespace. A script's source is written at Argo's path, `/argo/staging/script`: `argo` is then one of
 * the private folders (`s.private`), and the launcher writes the file, mode 0755, in the step's own `argo`
 * folder. Undefined where it cannot stand for bubblewrap's root: a command found on the PATH only inside a
 * private folder (which the binds hide), DFLOW_ARGO_ISOLATION=none.
 *
 * @example
 * ```ts
 * namespaceExec({ argv: ['sh', '-c', 'echo {{inputs.parameters.x}}'], source: null, workingDir: null, env: [] }, { private: ['tmp'], vars: { 'inputs.parameters.x': 'dflow_in_x' }, literals: {}, unset: ['dflow_in_x'], scaled: false })
 * // { argv: [['sh'], ['-c'], ['echo ', { var: 'dflow_in_x' }]], env: [], unset: ['DFLOW_ARGO_TEMPLATE', 'OLDPWD', 'dflow_in_x', 'dflow_file_in_x'], cwd: null, source: null, prune: [], prepend: {} }
 * ```
 */
export const namespaceExec = (c: SandboxContainer, s: SandboxScope): NamespaceExec | undefined => {
  if (process.env.DFLOW_ARGO_ISOLATION === 'none' || (c.source !== null && !s.private.includes(SCRIPT_TOP))) return undefined
  const w = commandWords(c, s)
  if (!w) return undefined
  const argv0 = c.argv[0]!
  if (!w.python && !argv0.includes('/')) {
    const found = (process.env.PATH ?? '').split(':').find((d) => d.startsWith('/') && isExecutable(`${d}/${argv0}`))
    if (found && s.private.includes(topOf(found))) return undefined
  } else if (!w.python && s.private.includes(topOf(argv0))) return undefined
  const vars = [...new Set(Object.values(s.vars))]
  return {
    argv: [[w.program], ...w.args, ...(w.source !== null ? [[SCRIPT_PATH]] : [])],
    env: w.env,
    unset: ['DFLOW_ARGO_TEMPLATE', 'OLDPWD', ...[...new Set([...s.unset, ...vars])].flatMap((n) => [n, fileVarOf(n)])],
    cwd: w.cwd,
    source: w.source,
    prune: s.prune ?? [],
    prepend: s.scaled ? { PATH: [SCALED], PYTHONPATH: [`${SCALED}/py`] } : {},
  }
}

/**
 * The command lib/local/launcher.py runs in the namespace it made (its header's `exec`): each word a list of
 * pieces, text or a variable of the job's environment whose value is pasted in (empty when unset); the
 * variables to drop from the command's environment, those to set (pasted too); its working folder (`/` when
 * null; made when missing, `PWD` naming it); a script's source, written to the request's `script` file;
 * folders of the work folder removed first when empty; folders put before `PATH` (`/usr/bin:/bin` when unset)
 * and `PYTHONPATH`.
 *
 * @example
 * ```ts
 * const e: NamespaceExec = { argv: [['echo'], ['x=', { var: 'dflow_in_x' }]], env: [], unset: ['dflow_in_x'], cwd: null, source: null, prune: [], prepend: {} }
 * ```
 */
export interface NamespaceExec {
  readonly argv: readonly Word[]
  readonly env: readonly (readonly [string, Word])[]
  readonly unset: readonly string[]
  readonly cwd: Word | null
  readonly source: Word | null
  readonly prune: readonly string[]
  readonly prepend: Readonly<Record<string, readonly string[]>>
}

/** One word of a command as its pieces: text as it is, and variables whose values are pasted in. @example const w: Word = ['x=', { var: 'dflow_in_x' }] */
export type Word = readonly (string | { readonly var: string })[]

/**
 * What a leaf asks the launcher for in its environment (DFLOW_NAMESPACE, lib/local/launcher.py's header): the
 * top-level folders made private (`tops`, those the leaf's declared paths are in), and not when a value came as a
 * file (`dflow_file_…`: argo-leaf.py reads it) or the run's environment says DFLOW_ARGO_ISOLATION=none; the
 * command it runs there ({@link namespaceExec}). Where the leaf has a script's source, `/argo` is made, empty,
 * on the host where missing, as the mount point, and the launcher writes the source at Argo's path: where no
 * declared input or output is under `/argo` (nothing there outlives the step), in a tmpfs it mounts over
 * `/argo` in the step's namespace — no file or folder on the host's disk, where each costs as much as a small
 * step —, otherwise in the step's own `argo` folder.
 *
 * @example
 * ```ts
 * namespaceRequest(['tmp'], exec) // '{"private":["tmp"],"unless":["dflow_file_"],"off":{"DFLOW_ARGO_ISOLATION":"none"},"exec":{…}}'
 * namespaceRequest(['tmp'], execOfAScript) // '{"private":["tmp"],…,"make":["argo"],"script":"argo/staging/script","scriptOn":"tmpfs","exec":{…}}'
 * namespaceRequest(['argo', 'tmp'], execOfAScript) // '{"private":["argo","tmp"],…,"make":["argo"],"script":"argo/staging/script","exec":{…}}'
 * ```
 */
export const namespaceRequest = (tops: readonly string[], exec: NamespaceExec): string =>
  JSON.stringify({
    private: tops,
    unless: [fileVarOf('')],
    off: { DFLOW_ARGO_ISOLATION: 'none' },
    ...(exec.source !== null ? { make: [SCRIPT_TOP], script: SCRIPT_PATH.slice(1), ...(tops.includes(SCRIPT_TOP) ? {} : { scriptOn: 'tmpfs' }) } : {}),
    exec,
  })

/** The top-level folders a leaf's namespace makes private: `tops`, and with a script's source the one Argo's script path is in. @example namespaceTops(['tmp'], true) // ['argo', 'tmp'] */
export const namespaceTops = (tops: readonly string[], script: boolean): readonly string[] => (script ? [...new Set([...tops, SCRIPT_TOP])].sort() : tops)

/** A word as the shell reads it: text quoted, each variable a quoted expansion (`ref` names it). */
const shellWord = (w: Word): string => w.map((p) => (typeof p === 'string' ? quote(p) : `"\${${p.var}}"`)).join('') || "''"

/** The command's words as pieces (text, the call's variables): each tag a variable or literal; undefined when a tag is one only argo-leaf.py computes. */
const commandWords = (c: SandboxContainer, s: SandboxScope) => {
  const word = (text: string): Word | undefined => {
    const out: (string | { var: string })[] = []
    for (const p of pieces(text)) {
      if (p._tag === 'Text') out.push(p.text)
      else if (p._tag === 'ExprTag') return undefined
      else if (s.vars[p.name] !== undefined) out.push({ var: s.vars[p.name]! })
      else if (s.literals[p.name] !== undefined) out.push(s.literals[p.name]!)
      else return undefined // a tag argo-leaf.py computes (the creation time…)
    }
    return out
  }
  const argv0 = c.argv[0]!
  if (pieces(argv0).some((p) => p._tag !== 'Text') || c.env.some(([k]) => k === 'PATH')) return undefined
  const args = c.argv.slice(1).map(word)
  const env = c.env.map(([k, v]) => [k, word(v)] as const)
  const source = c.source === null ? null : word(c.source)
  const cwd = c.workingDir === null ? null : word(c.workingDir)
  if (args.includes(undefined) || env.some(([, v]) => v === undefined) || source === undefined || cwd === undefined) return undefined
  const python = PYTHON.test(argv0)
  const py = python ? hostPython() : undefined
  if (python && !py) return undefined
  return { python, program: py ?? argv0, args: args as Word[], env: env as (readonly [string, Word])[], source, cwd }
}

const topOf = (p: string): string => p.replace(/^\/+/, '').split('/')[0]!

const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK)
    return statSync(p).isFile()
  } catch {
    return false
  }
}

/** The one container of a leaf the fast way can run: its command, a script's source, working folder and environment (tags unsubstituted). @example const c: SandboxContainer = { argv: ['echo', '{{inputs.parameters.m}}'], source: null, workingDir: null, env: [] } */
export interface SandboxContainer {
  readonly argv: readonly string[]
  readonly source: string | null
  readonly workingDir: string | null
  readonly env: readonly (readonly [string, string])[]
}

/**
 * What the script knows of a call: the variable holding each tag's value, the tags that have a fixed value, the
 * top-level folders made private (`tmp` always) and the variables the command must not inherit.
 *
 * @example
 * ```ts
 * const s: SandboxScope = { private: ['tmp'], vars: { 'inputs.parameters.x': 'dflow_in_x' }, literals: { 'outputs.parameters.y.path': '/tmp/y.txt' }, unset: ['dflow_in_x'], scaled: false }
 * ```
 */
export interface SandboxScope {
  readonly private: readonly string[]
  readonly vars: Readonly<Record<string, string>>
  readonly literals: Readonly<Record<string, string>>
  readonly unset: readonly string[]
  /**
   * Folders below a top-level one (relative, `tmp/workdir`), deepest first, removed when empty before the
   * step: the interpreter makes the folders of declared outputs, a pod has none of them (argo-leaf.py's
   * `prune_output_dirs`: a script's `mkdir /mnt/out` must work).
   */
  readonly prune?: readonly string[]
  /** Whether sleeps are scaled (DFLOW_ARGO_TIME_SCALE): the step gets the scaled `sleep` and python's `time.sleep`. */
  readonly scaled: boolean
}

/** The time-scaled `sleep` and python's sitecustomize (each reads DFLOW_ARGO_TIME_SCALE). */
const SCALED = packageFile('lib/argo/import/scaled')

/** Where a script template's source is, inside the step's root (Argo's path). @example SCRIPT_PATH // '/argo/staging/script' */
export const SCRIPT_PATH = '/argo/staging/script'
/** The top-level folder of {@link SCRIPT_PATH}: a pod's own, never the host's. */
const SCRIPT_TOP = topOf(SCRIPT_PATH)

/** The commands argo-leaf.py runs with the host's python3 (a `python` image's). */
const PYTHON = /^(python3?|(\/usr(\/local)?)?\/bin\/python3?)$/

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

const once = <T>(f: () => T): (() => T) => {
  let done = false
  let v: T
  return () => (done ? v : ((done = true), (v = f())))
}

/** Whether bubblewrap is on the PATH and may make a mount namespace here (DFLOW_ARGO_ISOLATION=none: never). */
const bwrapWorks = once((): boolean => process.env.DFLOW_ARGO_ISOLATION !== 'none' && spawnSync('bwrap', ['--dev-bind', '/', '/', 'true'], { stdio: 'ignore' }).status === 0)

/** The host's top-level entries a private root binds in (folders and files) or recreates (symbolic links), as argo-leaf.py's build_root does. */
const rootEntries = once((): readonly { readonly name: string; readonly link?: string }[] =>
  readdirSync('/').flatMap((name) => {
    try {
      const st = lstatSync(`/${name}`)
      if (st.isSymbolicLink()) return [{ name, link: readlinkSync(`/${name}`) }]
      return st.isDirectory() || st.isFile() ? [{ name }] : []
    } catch {
      return []
    }
  }),
)
