/**
 * Argo's dag-enhanced-depends.yaml: C fails; tasks wait on outcomes. should-execute-1 (`A && (C.Succeeded
 * || C.Failed)`), -2 (`B || C`) and -3 (`should-execute-2.Succeeded || should-not-execute`) run;
 * should-not-execute (`B && C`) is Omitted; the dag's phase is that of its leaves: Succeeded.
 */
import { and, dag, on, or, sh, shell, step, subflow, workflow } from 'dflow-ts'

const pass = shell({ name: 'pass', image: 'busybox', script: () => sh`exit 0` })
const fail = shell({ name: 'fail', image: 'busybox', script: () => sh`exit 1` })

const diamond = subflow({
  name: 'diamond',
  body: () => {
    const a = step('A', pass)
    const b = step('B', pass, {}, { depends: on(a) })
    const c = step('C', fail, {}, { depends: on(a) })
    const e1 = step('should-execute-1', pass, {}, { depends: and(on(a), or(on(c, 'Succeeded'), on(c, 'Failed'))) })
    const e2 = step('should-execute-2', pass, {}, { depends: or(on(b), on(c)) })
    const no = step('should-not-execute', pass, {}, { depends: and(on(b), on(c)) })
    const e3 = step('should-execute-3', pass, {}, { depends: or(on(e2, 'Succeeded'), on(no)) })
    return dag(a, b, c, e1, e2, no, e3)
  },
})

export default workflow('dag-diamond', step('diamond', diamond))
