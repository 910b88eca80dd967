import type { Lang, LangRenderer, RenderedScript, RenderOptions, Script } from './script.ts'
import { renderScript } from './script.ts'
import { shRenderer } from './sh.ts'
import { pyRenderer } from './py.ts'

/** The renderer of each script language. */
export const RENDERERS: Readonly<Record<Lang, LangRenderer>> = { sh: shRenderer, python: pyRenderer }

/**
 * The interpreter command a language runs with by default.
 *
 * @example
 * ```ts
 * DEFAULT_COMMAND.python  // ['python3']
 * ```
 */
export const DEFAULT_COMMAND: Readonly<Record<Lang, readonly string[]>> = { sh: ['sh'], python: ['python3'] }

/**
 * Renders a script in its own language: the text every interpreter writes to a file and runs, and the
 * environment variables it must set.
 *
 * @example
 * ```ts
 * render(sh`echo ${'a b'}`).text // 'echo "${dflow_lit_0}"'
 * render(sh`echo ${'a b'}`, { fromFile: () => true }).text
 * // 'if [ -n "${dflow_file_lit_0+x}" ]; then dflow_lit_0=$(cat -- "${dflow_file_lit_0}" && printf .) || exit 2; …; fi\necho "${dflow_lit_0}"'
 * ```
 */
export const render = (script: Script, options: RenderOptions = {}): RenderedScript => renderScript(script, RENDERERS[script.lang], options)
