/**
 * How many calls of one fan-out are under way at once, for `parallelism` leaf processes: enough that every
 * slot stays busy and the next calls' folders are made while earlier ones run.
 *
 * @example
 * ```ts
 * fanOutWindow(2)  // 16
 * fanOutWindow(32) // 64
 * ```
 */
export const fanOutWindow = (parallelism: number): number => Math.max(16, 2 * parallelism)
