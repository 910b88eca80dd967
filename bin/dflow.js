#!/usr/bin/env node
// The `dflow` command. In a checkout (its tsconfig.json beside package.json) it runs from the TypeScript
// sources; installed, from the build in dist/. Either way users' workflow files load as TypeScript or
// JavaScript, from any folder (lib/loader/hooks.ts).
import { existsSync } from 'node:fs'
import { register } from 'tsx/esm/api'

register()
const from = existsSync(new URL('../tsconfig.json', import.meta.url)) ? (path) => `../${path}.ts` : (path) => `../dist/${path}.js`
await import(from('lib/loader/register'))
const { main } = await import(from('lib/cli/main'))
process.exitCode = await main(process.argv.slice(2))
