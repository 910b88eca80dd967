#!/usr/bin/env node
// The `dflow` command. Loads TypeScript (the CLI and users' workflow files) without a build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../lib/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
