/**
 * Registers the module hooks of `hooks.ts` in this process (import it for its effect, after tsx): a workflow
 * file, and the modules its function OPs live in, load from any folder. Imported by `bin/dflow.js` and given
 * to each function-OP worker with `--import`. It exports nothing.
 *
 * @example
 * ```sh
 * node --import tsx --import ./lib/loader/register.ts worker.ts
 * ```
 */
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { packageModule } from './package-files.ts'

register(pathToFileURL(packageModule('lib/loader/hooks.ts')))
