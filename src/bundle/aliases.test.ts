/**
 * The modules that replace packages in the deployed bundles (wrangler.toml `[alias]`, also applied
 * to the Vercel builds) against the packages they replace: the same behaviour for every way our
 * options use them, the same functions where they keep any.
 */
import { existsSync } from 'node:fs'
import * as telemetryPackage from '@better-auth/telemetry'
import { describe, expect, it } from 'vitest'
import { bundleAliases } from '../../scripts/bundle-aliases.ts'
import { createTelemetry } from './telemetry-disabled.ts'

describe('bundle aliases', () => {
  it('are read from wrangler.toml and each points at a module of src/bundle', () => {
    const aliases = bundleAliases()
    expect(Object.keys(aliases)).toEqual(['@better-auth/telemetry'])
    for (const path of Object.values(aliases)) {
      expect(path).toMatch(/\/src\/bundle\/[a-z-]+\.ts$/)
      expect(existsSync(path)).toBe(true)
    }
  })
})

describe('telemetry-disabled', () => {
  const options = { telemetry: { enabled: false }, baseURL: 'http://localhost:8787' }
  const event = { type: 'sign-in', payload: { method: 'email' } }

  it('answers as BetterAuth does with telemetry disabled: a publish that sends nothing', async () => {
    const theirs = await telemetryPackage.createTelemetry(options, { adapter: 'drizzle', database: 'adapter' })
    const ours = await createTelemetry(options, { adapter: 'drizzle', database: 'adapter' })
    expect(Object.keys(ours)).toEqual(Object.keys(theirs))
    expect(await ours.publish(event)).toBe(await theirs.publish(event))
    expect(await ours.publish(event)).toBeUndefined()
  })
})
