/**
 * The modes of what dflow-ts writes on this machine — run folders and stored artifacts alike: private to
 * their owner whatever the umask (they hold a run's parameters and data). One definition, used by
 * lib/local and lib/storage.
 *
 * @example mkdirSync(dir, { mode: PRIVATE_DIR }); chmodSync(file, fileMode(executable))
 */
export const PRIVATE_DIR = 0o700

/** The mode of a file: owner read and write only. @example writeFileSync(p, data, { mode: PRIVATE_FILE }) */
export const PRIVATE_FILE = 0o600

/** The mode of a file a store writes; an executable file stays executable for its owner. @example fileMode(false) // 0o600 */
export const fileMode = (executable: boolean): number => (executable ? 0o700 : PRIVATE_FILE)
