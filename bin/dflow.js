#!/usr/bin/env node
// The `dflow` command. Loads TypeScript (the CLI and users' workflow files) without a build step, and lets a
// workflow file load from any folder (lib/loader/hooks.ts).
import { register } from 'tsx/esm/api'

register()
await import('../lib/loader/register.ts')
const { main } = await import('../lib/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
