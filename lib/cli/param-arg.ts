import { readFileSync } from 'node:fs'

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Reads one `-p` argument: `NAME=VALUE`; `NAME=@FILE`, the file's content exactly (every byte, no newline
 * trimmed; it must be UTF-8 text, as every parameter is); `NAME=@@TEXT`, the value `@TEXT`. Returns the name and
 * value, or what is wrong as a message naming the argument (and the file).
 *
 * @example
 * ```ts
 * paramArg('n=3')            // ['n', '3']
 * paramArg('text=@notes.md') // ['text', '<the bytes of notes.md>']
 * paramArg('who=@@home')     // ['who', '@home']
 * paramArg('n')              // '--param takes NAME=VALUE, got "n"'
 * ```
 */
export const paramArg = (arg: string): readonly [string, string] | string => {
  const eq = arg.indexOf('=')
  if (eq < 1) return `--param takes NAME=VALUE, got "${arg}"`
  const name = arg.slice(0, eq)
  const value = arg.slice(eq + 1)
  if (value.startsWith('@@')) return [name, value.slice(1)]
  if (!value.startsWith('@')) return [name, value]
  const file = value.slice(1)
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    return `-p ${arg}: cannot read ${file}: ${(e as Error).message}`
  }
  try {
    return [name, UTF8.decode(bytes)]
  } catch {
    return `-p ${arg}: ${file} is not UTF-8 text (a parameter is text; pass binary data as an artifact)`
  }
}
