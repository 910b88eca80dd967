import { packageModule } from '../../loader/package-files.ts'

/**
 * The command that starts the S3 tool (s3-tool.ts) the leaf runner calls for an artifact in an S3 bucket:
 * this node, with tsx when the package runs from its TypeScript sources.
 *
 * @example
 * ```ts
 * S3_TOOL() // ['/usr/bin/node', '--import', 'file:///…/tsx/…', '/…/lib/argo/import/s3-tool.ts']
 * ```
 */
export const S3_TOOL = (): readonly string[] => {
  const tool = packageModule('lib/argo/import/s3-tool.ts')
  return [process.execPath, ...(tool.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []), tool]
}
