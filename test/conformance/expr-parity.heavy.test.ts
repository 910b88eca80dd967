import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { differs, oracleBinary, runOracle, type OracleCase } from '../helpers/expr-oracle.ts'
import { LAST_RETRY_VARS } from 'dflow-ts'
import { retryStrategy } from '../../lib/argo/retry.ts'
import { lastRetryWires, retryExpressionHolds } from '../../lib/engine/attempts.ts'
import { ARGO_ENV, CASES, localResult, printed, RETRY_CASES } from './expr-cases.ts'

// The oracle leg of the parity table: each case evaluated by the local evaluator, and by Argo's own
// libraries (test/oracle) on the program the Argo printer makes. Required in CI (DFLOW_REQUIRE_SERVICES=1).
let bin: string | undefined
let missing: Error | undefined
try {
  bin = oracleBinary()
} catch (e) {
  missing = e as Error
}

if (missing) test('oracle: it must be there (DFLOW_REQUIRE_SERVICES=1)', () => assert.unreachable(missing!.message))
else if (bin) {
  const programs = CASES.map((c) => printed(c.e))
  const asExpr = runOracle(bin, programs.map((p): OracleCase => ({ syntax: 'expr', text: p.expr, env: ARGO_ENV })))
  const asWhen = runOracle(bin, programs.map((p): OracleCase => ({ syntax: 'when', text: `{{= ${p.condition} }}`, env: ARGO_ENV })))

  CASES.forEach((c, i) => {
    const local = localResult(c.e)
    if (c.oracleLacks) {
      test(`oracle: ${c.name} — not checked: ${c.oracleLacks}`, () => {
        assert.ok(!asExpr[i]!.ok, `the oracle evaluates it now: remove oracleLacks (${asExpr[i]!.text})`)
      })
      return
    }
    test(`oracle: ${c.name}`, () => {
      const r = asExpr[i]!
      if (!local.ok) assert.ok(!r.ok, `locally an error (${local.error}), the oracle ${r.type} ${r.text}\n  program: ${programs[i]!.expr}`)
      else {
        const d = differs(local.value, r)
        assert.ok(d === undefined, `${d}\n  program: ${programs[i]!.expr}`)
      }
    })
    if (local.ok && typeof local.value === 'boolean')
      test(`oracle, as a when (govaluate after {{= }}): ${c.name}`, () => {
        const r = asWhen[i]!
        assert.ok(r.ok && r.value === local.value, `locally ${local.value}, the oracle ${r.ok ? r.value : r.error}\n  when: {{= ${programs[i]!.condition} }}`)
      })
  })

  // Retry expressions: the compiled retryStrategy.expression, with lastRetry.* as Argo's controller sets
  // them, read by expr-lang and required to be a boolean (Argo's EvalBool).
  for (const c of RETRY_CASES) {
    const text = retryStrategy({ limit: 1, expression: c.e }, undefined)['expression'] as string
    const envs = c.attempts.map((a) => Object.fromEntries(Object.entries(lastRetryWires(a)).map(([k, v]) => [LAST_RETRY_VARS[k]!, v])))
    const answers = runOracle(bin, envs.map((env): OracleCase => ({ syntax: 'expr', text, env })))
    test(`oracle, a retry expression: ${c.name}`, () => {
      c.attempts.forEach((a, i) => {
        const local = retryExpressionHolds(c.e, a)
        const r = answers[i]!
        const want = typeof local === 'object' ? 'an error' : String(local)
        const got = !r.ok ? 'an error' : r.type === 'bool' ? String(r.value) : `a ${r.type} (an error on Argo)`
        assert.is(got, want, `attempt ${i} (${JSON.stringify(envs[i])}): locally ${typeof local === 'object' ? local.error : local}, the oracle ${r.ok ? r.text : r.error}\n  expression: ${text}`)
      })
    })
  }
} else test('oracle: skipped (Go or Debian\'s packages are missing)', () => {})

test.run()
