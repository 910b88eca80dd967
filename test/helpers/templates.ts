import { artifact, param, sh, shell, stdout, t } from 'dflow-ts'

/**
 * Small templates shared by the local interpreter's tests.
 *
 * @example
 * ```ts
 * step('a', sleeper, { seconds: 0.2 })
 * ```
 */
export const sleeper = shell({
  name: 'sleeper',
  inputs: { seconds: param(t.number) },
  script: ({ seconds }) => sh`sleep ${seconds}`,
})

/** Exits with the given code after printing a message on stderr. */
export const failer = shell({
  name: 'failer',
  inputs: { code: param(t.number, { default: 3 }), text: param(t.string, { default: 'boom' }) },
  script: ({ code, text }) => sh`echo "${text}" >&2; exit ${code}`,
})

/** Writes a number one larger than its input. */
export const inc = shell({
  name: 'inc',
  inputs: { n: param(t.number) },
  outputs: { n: param(t.number, { path: 'n.txt' }) },
  script: ({ n }, out) => sh`echo $((${n} + 1)) > ${out.n}`,
})

/** Writes a text file from its input. */
export const writer = shell({
  name: 'writer',
  inputs: { text: param(t.string) },
  outputs: { file: artifact({ path: 'out.txt' }) },
  script: ({ text }, out) => sh`printf '%s' ${text} > ${out.file}`,
})

/** Prints the content of its input artifact (optional) into an output parameter. */
export const reader = shell({
  name: 'reader',
  inputs: { file: artifact({ optional: true }) },
  outputs: { text: param(t.string) },
  script: ({ file }, out) => sh`if [ -n ${file} ]; then cat ${file} > ${out.text}; else printf none > ${out.text}; fi`,
})

/** Prints the mount namespace it runs in (`mnt:[4026531841]`): a step started by the launcher must see the host's. */
export const mountNamespace = shell({
  name: 'mount-namespace',
  outputs: { ns: stdout(t.string) },
  script: () => sh`readlink /proc/self/ns/mnt`,
})
