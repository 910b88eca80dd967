/**
 * Every export of the package's entry points (`dflow-ts`, `dflow-ts/local`, `dflow-ts/argo`, `dflow-ts/storage`) carries TSDoc
 * with an `@example`, read by TypeScript's own compiler from the declarations the exports resolve to.
 */
import { resolve } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import ts from 'typescript'

const test = suite('api: every export has an example')

const ENTRIES = ['dsl/index.ts', 'lib/local/index.ts', 'lib/argo/index.ts', 'lib/storage/index.ts'].map((f) => resolve(f))

/** The exports of `entry` whose declarations carry no `@example` tag, as `entry: name`. */
const withoutExample = (program: ts.Program, entry: string): string[] => {
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(entry)
  const mod = source && checker.getSymbolAtLocation(source)
  if (!mod) return [`${entry}: not a module`]
  return checker.getExportsOfModule(mod).flatMap((s) => {
    // The declaration an export resolves to, and every re-export on the way: a re-exported module, such as
    // io-ts's `t`, is documented on its own `export { t }` (not on an `export { … } from` list).
    const chain: ts.Symbol[] = [s]
    for (let a = s; a.flags & ts.SymbolFlags.Alias; ) {
      const next = checker.getImmediateAliasedSymbol(a)
      if (!next || chain.includes(next)) break
      chain.push((a = next))
    }
    const decls = chain.flatMap((x) => x.getDeclarations() ?? []).flatMap((d) => (ts.isExportSpecifier(d) && !d.parent.parent.moduleSpecifier ? [d, d.parent.parent] : [d]))
    const hasExample = decls.some((d) => {
      // A variable's TSDoc sits on its statement.
      const node = ts.isVariableDeclaration(d) ? d.parent.parent : d
      return ts.getJSDocTags(node).some((t) => t.tagName.text === 'example') || ts.getJSDocTags(d).some((t) => t.tagName.text === 'example')
    })
    return hasExample ? [] : [`${entry.replace(`${process.cwd()}/`, '')}: ${s.name}`]
  })
}

test('each export of dflow-ts, dflow-ts/local and dflow-ts/argo has an @example in its TSDoc', () => {
  const program = ts.createProgram(ENTRIES, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowImportingTsExtensions: true, noEmit: true, customConditions: ['source'] })
  const missing = ENTRIES.flatMap((e) => withoutExample(program, e))
  assert.equal(missing, [], `exports without an @example:\n${missing.join('\n')}`)
})

test.run()
