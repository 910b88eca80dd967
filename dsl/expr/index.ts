/**
 * The expression language: `` expr`…` `` and builder functions produce the same typed tree.
 *
 * @example
 * ```ts
 * import { expr, ex, status } from 'dflow-ts'
 * expr`${status(flakey)} == "Failed"`
 * ```
 */
export { expr, parseExpr } from './parse.ts'
export { ex, toExpr, type Operand } from './build.ts'
export { status, exitCode, STATUS, EXIT_CODE, STEP_IP, lastRetry, LAST_RETRY_VARS, isLastRetryVar, workflowStatus, workflowFailures, workflowDuration, workflowCreationTimestamp, WORKFLOW_VARS, isExpr, isExprVar, varsOf, mapVars, replaceVars, childrenOf, foldExpr, FUNCTIONS, type Expr, type ForeignExpr, type ExprVar, type BinaryOp, type UnaryOp, type FnName, type LitValue } from './ast.ts'
export { inferType, nodeType, typeProblems, conditionProblems, checkedCondition, isIntegerVar, typeOfVar, typeOfCodecName, type ExprType } from './types.ts'
export { parseJsonPath, jsonPathProblem, type JsonPathToken, type JsonPathFilter, type FilterOperand, type JsonPathParse } from './jsonpath.ts'
export { goRegex } from './regex.ts'
