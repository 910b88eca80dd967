/**
 * Values that break naive quoting, shared by the `sh` and `py` round-trip tests: each must reach the
 * script byte for byte, whatever shell or language reads it.
 *
 * @example
 * ```ts
 * for (const [label, value] of TRICKY) runScript(['/usr/bin/dash'], sh`printf '%s' ${value} > out`)
 * ```
 */
export const TRICKY: readonly (readonly [label: string, value: string])[] = [
  ['plain', 'hello'],
  ['spaces', 'a  b   c'],
  ['leading and trailing spaces', '  padded  '],
  ['tab', 'a\tb'],
  ['single quote', "it's"],
  ['double quote', 'say "hi"'],
  ['both quotes', `'"'"'`],
  ['command substitution', '$(touch pwned; echo injected)'],
  ['backticks', '`touch pwned`'],
  ['star', '*'],
  ['glob', 'dec?y [a-z]*'],
  ['tilde', '~'],
  ['tilde path', '~root/x'],
  ['newlines', 'line1\nline2\n'],
  ['only a newline', '\n'],
  ['empty string', ''],
  ['leading dash', '-rf'],
  ['dash n', '-n'],
  ['dash e', '-e'],
  ['double dash', '--'],
  ['backslashes', 'a\\b\\\\c\\n\\'],
  ['dollar HOME', '$HOME'],
  ['dollar brace', '${HOME}'],
  ['arithmetic text', '$((1+1))'],
  ['semicolon', 'a; touch pwned'],
  ['and-and', 'true && touch pwned'],
  ['pipe', 'a | cat'],
  ['redirect', '> pwned'],
  ['hash', '# not a comment'],
  ['unicode', 'héllo wörld ✓ 日本語 🎉'],
  ['printf format', '%s %d %% \\n'],
  ['equals', 'a=b'],
  ['braces', '{a,b}'],
  ['heredoc delimiter', 'x\nEOF\ny'],
  ['carriage return', 'a\r\nb'],
  ['bang', '!!'],
  ['parenthesis', ')('],
]
