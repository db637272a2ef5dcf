import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildVercelOutput, DEFAULT_VERCEL_RUNTIME, FUNCTION_NAME, runtimeFromArgs } from './build-vercel.ts'

const outputs = mkdtempSync(join(tmpdir(), 'edge-auth-build-vercel-'))
afterAll(() => rmSync(outputs, { recursive: true, force: true }))

describe('build:vercel', () => {
  it('builds the Node.js function by default, the Edge Function with --edge', () => {
    expect(DEFAULT_VERCEL_RUNTIME).toBe('node')
    expect(runtimeFromArgs([])).toBe('node')
    expect(runtimeFromArgs(['--node'])).toBe('node')
    expect(runtimeFromArgs(['dist/out', '--edge'])).toBe('edge')
    expect(() => runtimeFromArgs(['--edge', '--node'])).toThrow(/not both/)
  })

  it('writes a Node.js function Vercel launches as a Web handler, using native scrypt', async () => {
    const build = await buildVercelOutput(join(outputs, 'node'), 'node')
    const functionDir = join(build.outputDir, 'functions', `${FUNCTION_NAME}.func`)
    expect(JSON.parse(readFileSync(join(functionDir, '.vc-config.json'), 'utf8'))).toEqual({
      runtime: 'nodejs24.x',
      handler: 'index.mjs',
      launcherType: 'Nodejs',
      shouldAddHelpers: false,
      supportsResponseStreaming: true,
    })
    expect(build.entry).toBe(join(functionDir, 'index.mjs'))
    const code = readFileSync(build.entry, 'utf8')
    // BetterAuth's Node password module: scrypt from node:crypto, not the pure-JS fallback.
    expect(code).toMatch(/import\{[^}]*\bscrypt as [\w$]+[^}]*\}from"node:crypto"/)
    expect(JSON.parse(readFileSync(join(build.outputDir, 'config.json'), 'utf8'))).toEqual({
      version: 3,
      routes: [{ src: '/(.*)', dest: `/${FUNCTION_NAME}` }],
    })
  })

  it('writes an Edge Function with no Node built-in', async () => {
    const build = await buildVercelOutput(join(outputs, 'edge'), 'edge')
    const functionDir = join(build.outputDir, 'functions', `${FUNCTION_NAME}.func`)
    const config = JSON.parse(readFileSync(join(functionDir, '.vc-config.json'), 'utf8')) as Record<string, unknown>
    expect(config).toMatchObject({ runtime: 'edge', entrypoint: 'index.js' })
    expect(readFileSync(build.entry, 'utf8')).not.toContain('node:crypto')
  })
})
