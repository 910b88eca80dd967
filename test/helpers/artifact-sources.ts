import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** `sha256sum` of "hello\n", the content of {@link artifactSources}' hello.txt. @example assert.is(info.digest, HELLO_SHA256) */
export const HELLO_SHA256 = 'sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03'

/**
 * Makes `DIR/hello.txt` ("hello\n") and a folder `DIR/out/` with a file, an executable in a sub-folder and
 * an empty folder — the artifacts the store tests put and get. Returns DIR.
 *
 * @example const src = artifactSources(join(tmp.path, 'src')); await store.put(join(src, 'out'), 'wf/s/out')
 */
export const artifactSources = (dir: string): string => {
  mkdirSync(join(dir, 'out', 'sub', 'empty'), { recursive: true })
  writeFileSync(join(dir, 'hello.txt'), 'hello\n')
  writeFileSync(join(dir, 'out', 'a.txt'), 'a')
  writeFileSync(join(dir, 'out', 'sub', 'run.sh'), '#!/bin/sh\n')
  chmodSync(join(dir, 'out', 'sub', 'run.sh'), 0o755)
  return dir
}
