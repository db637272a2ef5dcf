/**
 * The Node version preflight: its comparison, the npm scripts that run it, and the real thing on
 * an old Node when the machine has one on PATH (e.g. a distribution's Node 20 next to Node 24).
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type NodeBinary, nodesOnPath } from '../test/support/nodes.ts'
import { nodeVersionProblem } from './require-node.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = join(root, 'scripts/require-node.mjs')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devEngines: { runtime: { version: string } }
  scripts: Record<string, string>
}
const required = manifest.devEngines.runtime.version
const PREFLIGHT = 'node scripts/require-node.mjs'

/** Every Node on PATH older than devEngines' runtime. */
function oldNodesOnPath(): NodeBinary[] {
  return nodesOnPath().filter((node) => nodeVersionProblem(node.version, required))
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, cwd: options.cwd ?? root, env: options.env })
}

describe('nodeVersionProblem', () => {
  it('accepts the minimum and anything newer', () => {
    for (const version of ['v22.12.0', 'v22.12.1', 'v22.13.0', 'v23.0.0', 'v24.21.0', 'v100.0.0']) {
      expect(nodeVersionProblem(version, '>=22.12')).toBeNull()
    }
  })

  it('refuses anything older, comparing numerically part by part', () => {
    for (const version of ['v22.11.9', 'v22.2.0', 'v20.20.2', 'v18.99.99', 'v9.0.0']) {
      expect(nodeVersionProblem(version, '>=22.12')).not.toBeNull()
    }
    expect(nodeVersionProblem('v22.12.0', '>=22.12.1')).not.toBeNull()
    expect(nodeVersionProblem('v22.12.10', '>=22.12.9')).toBeNull()
  })

  it('names the required and the actual version in one line', () => {
    expect(nodeVersionProblem('v20.20.2', '>=22.12')).toBe(
      'edge-auth needs Node >= 22.12; this is Node v20.20.2. Install Node 22.12 or newer (e.g. nvm install 24).',
    )
    expect(nodeVersionProblem('v24.1.0', '>= 26.1')).toBe(
      'edge-auth needs Node >= 26.1; this is Node v24.1.0. Install Node 26.1 or newer (e.g. nvm install 26).',
    )
  })

  it('refuses an engines range it cannot read rather than guessing', () => {
    for (const range of ['^22.12', '22.12', '>=22.12 <25', '>=latest', '']) {
      expect(() => nodeVersionProblem('v24.0.0', range)).toThrow(/devEngines\.runtime\.version must read/)
    }
  })
})

describe('the preflight in package.json', () => {
  it('precedes every npm script that runs TypeScript with node', () => {
    const typeScriptScripts = Object.keys(manifest.scripts).filter((name) =>
      manifest.scripts[name]!.includes('--experimental-strip-types'),
    )
    expect(typeScriptScripts).toEqual(expect.arrayContaining(['dev', 'start', 'db:migrate', 'bench', 'size']))
    for (const name of typeScriptScripts) expect(manifest.scripts[`pre${name}`], name).toBe(PREFLIGHT)
  })

  it('reads a devEngines runtime version it understands', () => {
    expect(() => nodeVersionProblem('v0.0.0', required)).not.toThrow()
  })

  it('passes silently on this Node', () => {
    const result = run(process.execPath, [script])
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    })
  })
})

const oldNodes = oldNodesOnPath()
describe.skipIf(oldNodes.length === 0)('on an old Node from PATH', () => {
  const old = oldNodes[0]!
  // The old Node first on PATH, as a user who has only that one would run npm.
  const oldEnv = { ...process.env, PATH: `${dirname(old.path)}${delimiter}${process.env.PATH}` }

  it('the preflight prints one line naming the required version and exits 1', () => {
    const result = run(old.path, [script])
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`${nodeVersionProblem(old.version, required)}\n`)
    expect(result.stderr).toContain(`needs Node >= ${required.replace(/^>=\s*/, '')}; this is Node ${old.version}.`)
  })

  it('`npm run dev` stops before running TypeScript, naming the required version', () => {
    // npm 10.9+ checks devEngines itself; an older npm reaches the preflight's one line.
    const result = run('npm', ['run', 'dev'], { env: oldEnv })
    expect(result.status).not.toBe(0)
    const output = `${result.stdout}${result.stderr}`
    expect(
      output.includes(nodeVersionProblem(old.version, required)!) ||
        (output.includes('EBADDEVENGINES') && output.includes(`"${required}" does not match "${old.version}"`)),
    ).toBe(true)
    expect(output).not.toContain('bad option')
  })

  it('`npm install` refuses it (devEngines), before installing anything', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'edge-auth-dev-engines-'))
    try {
      for (const file of ['package.json', 'package-lock.json']) {
        copyFileSync(join(root, file), join(scratch, file))
      }
      const result = run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: scratch,
        env: oldEnv,
      })
      expect(result.status).not.toBe(0)
      expect(result.stderr).toContain('EBADDEVENGINES')
      expect(result.stderr).toContain(`version: '${required}'`)
      expect(existsSync(join(scratch, 'node_modules'))).toBe(false)
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  })
})
