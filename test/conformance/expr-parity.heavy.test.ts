import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { differs, oracleBinary, runOracle, type OracleCase } from '../helpers/expr-oracle.ts'
import { ARGO_ENV, CASES, localResult, printed } from './expr-cases.ts'

// The oracle leg of the parity table: each case evaluated by the local evaluator, and by Argo's own
// libraries (test/oracle) on the program the Argo printer makes. Required in CI (DFLOW_REQUIRE_SERVICES=1).
const bin = oracleBinary()

if (bin) {
  const programs = CASES.map((c) => printed(c.e))
  const asExpr = runOracle(bin, programs.map((p): OracleCase => ({ syntax: 'expr', text: p.expr, env: ARGO_ENV })))
  const asWhen = runOracle(bin, programs.map((p): OracleCase => ({ syntax: 'when', text: `{{= ${p.condition} }}`, env: ARGO_ENV })))

  CASES.forEach((c, i) => {
    const local = localResult(c.e)
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
} else test('oracle: skipped (Go or Debian\'s packages are missing)', () => {})

test.run()
