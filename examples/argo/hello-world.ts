/**
 * Argo's hello-world.yaml: one container printing "hello world".
 * A workflow whose body is a single call compiles with the called template as the entrypoint.
 */
import { sh, shell, step, workflow } from 'dflow-ts'

const helloWorld = shell({ name: 'hello-world', image: 'busybox', script: () => sh`echo "hello world"` })

export default workflow('hello-world', step('hello-world', helloWorld))
