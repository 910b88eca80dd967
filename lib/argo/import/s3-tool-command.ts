import { packageModule } from '../../loader/package-files.ts'

/**
 * The command that starts one of the importer's Node programs (`module`, a path in the package): this node,
 * with tsx when the package runs from its TypeScript sources.
 *
 * @example
 * ```ts
 * nodeTool('lib/argo/import/http-tool.ts') // ['/usr/bin/node', '--import', 'file:///…/tsx/…', '/…/lib/argo/import/http-tool.ts']
 * ```
 */
export const nodeTool = (module: string): readonly string[] => {
  const tool = packageModule(module)
  return [process.execPath, ...(tool.endsWith('.ts') ? ['--conditions=source', '--import', import.meta.resolve('tsx')] : []), tool]
}

/**
 * The command that starts the S3 tool (s3-tool.ts) the leaf runner calls for an artifact in an S3 bucket.
 *
 * @example
 * ```ts
 * S3_TOOL() // ['/usr/bin/node', '--import', 'file:///…/tsx/…', '/…/lib/argo/import/s3-tool.ts']
 * ```
 */
export const S3_TOOL = (): readonly string[] => nodeTool('lib/argo/import/s3-tool.ts')

/**
 * The command that starts the HTTP tool (http-tool.ts): an http template's one container, and the fetch of an
 * input artifact over HTTP the leaf runner makes.
 *
 * @example
 * ```ts
 * HTTP_TOOL() // ['/usr/bin/node', '--import', 'file:///…/tsx/…', '/…/lib/argo/import/http-tool.ts']
 * ```
 */
export const HTTP_TOOL = (): readonly string[] => nodeTool('lib/argo/import/http-tool.ts')
