/**
 * The data of dflow's E1 and E2, made by a step instead of uploaded: foo.txt holds "Hi", the folder
 * tidir holds f1 = "foo" and f2 = "bar". Used by python.ts and python-sugar.ts.
 */
import { artifact, sh, shell, step, workflow } from 'dflow-ts'

export const prepare = shell({
  name: 'prepare',
  image: 'alpine:3.20',
  outputs: { foo: artifact({ path: 'foo.txt' }), idir: artifact({ path: 'tidir' }) },
  script: () => sh`printf Hi > foo.txt && mkdir -p tidir && printf foo > tidir/f1 && printf bar > tidir/f2`,
})

/** Just the preparation, so this file is an example of its own too. */
export default workflow('prepare', step('prepare', prepare))
