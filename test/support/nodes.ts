/**
 * The Node.js binaries on this machine's PATH (here: the distribution's Node 20 beside the Node 24
 * that runs the tests), for tests of what happens on another Node.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, realpathSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'

export interface NodeBinary {
  readonly path: string
  /** As `node --version` prints it, e.g. `v20.20.2`. */
  readonly version: string
}

/** Every distinct `node` on PATH (as `which -a node` lists them) and the one running this process. */
export function nodesOnPath(): NodeBinary[] {
  const found = new Map<string, string>()
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), dirname(process.execPath)]) {
    const candidate = join(dir, 'node')
    try {
      accessSync(candidate, constants.X_OK)
    } catch {
      continue
    }
    const real = realpathSync(candidate)
    if (!found.has(real)) found.set(real, spawnSync(real, ['--version'], { encoding: 'utf8' }).stdout.trim())
  }
  return [...found].filter(([, version]) => version).map(([path, version]) => ({ path, version }))
}

/** The major version of `v20.20.2`-style text. */
export function nodeMajor(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? 0)
}
