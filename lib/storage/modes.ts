/**
 * The modes of what a store writes on this machine: private to its owner whatever the umask, like run
 * folders (artifacts hold a run's data). An executable file stays executable for its owner.
 *
 * @example mkdirSync(dir, { mode: PRIVATE_DIR }); chmodSync(file, fileMode(executable))
 */
export const PRIVATE_DIR = 0o700

/** The mode of a file a store writes. @example fileMode(false) // 0o600 */
export const fileMode = (executable: boolean): number => (executable ? 0o700 : 0o600)
