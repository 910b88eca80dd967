/**
 * A Kubernetes API error: HTTP code, reason and message, sent as a `Status` object.
 *
 * @example
 * ```ts
 * throw new ApiError(404, 'NotFound', 'workflows.argoproj.io "hello" not found')
 * ```
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { readonly name?: string; readonly group?: string; readonly kind?: string },
  ) {
    super(message)
  }
}

/**
 * The `Status` object of an error, as the API server sends it.
 *
 * @example
 * ```ts
 * statusOf(new ApiError(410, 'Expired', 'too old resource version: 3 (12)')).code // 410
 * ```
 */
export const statusOf = (e: ApiError) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: e.message,
  reason: e.reason,
  ...(e.details ? { details: e.details } : {}),
  code: e.code,
})
