/**
 * The modules that replace packages in the deployed bundles (wrangler.toml `[alias]`, also applied
 * to the Vercel builds) against the packages they replace: the same behaviour for every way our
 * options use them, the same functions where they keep any.
 */
import { existsSync } from 'node:fs'
import * as providersPackage from '@better-auth/core/social-providers'
import * as telemetryPackage from '@better-auth/telemetry'
import { describe, expect, it } from 'vitest'
import { bundleAliases } from '../../scripts/bundle-aliases.ts'
import { createContextResolver } from '../context.ts'
import { memoryAdapter } from './memory-adapter-absent.ts'
import * as providers from './social-providers.ts'
import { createTelemetry } from './telemetry-disabled.ts'

describe('bundle aliases', () => {
  it('are read from wrangler.toml and each points at a module of src/bundle', () => {
    const aliases = bundleAliases()
    expect(Object.keys(aliases)).toEqual([
      '@better-auth/telemetry',
      '@better-auth/core/social-providers',
      '@better-auth/memory-adapter',
    ])
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

describe('social-providers', () => {
  it("keeps BetterAuth's own GitHub and Google, the very functions the package exports", () => {
    expect(providers.github).toBe(providersPackage.github)
    expect(providers.google).toBe(providersPackage.google)
    expect(providers.getGooglePublicKey).toBe(providersPackage.getGooglePublicKey)
    expect(providers.isGoogleHostedDomainAllowed).toBe(providersPackage.isGoogleHostedDomainAllowed)
    expect(providers.verifyGoogleIdToken).toBe(providersPackage.verifyGoogleIdToken)
    for (const [id, provider] of Object.entries(providers.socialProviders))
      expect(provider).toBe(providersPackage.socialProviders[id as keyof typeof providersPackage.socialProviders])
    expect(providers.socialProviderList).toEqual(['github', 'google'])
  })

  it('exports only names the package exports too', () => {
    for (const name of Object.keys(providers)) expect(Object.keys(providersPackage)).toContain(name)
  })

  it('validates a provider id as BetterAuth does: the same verdict and the same messages', () => {
    for (const input of ['github', 'google', 'apple', 'no-such-provider', '', 123, null, undefined, {}, ['github']]) {
      const theirs = providersPackage.SocialProviderListEnum.safeParse(input)
      const ours = providers.SocialProviderListEnum.safeParse(input)
      expect(ours.success, JSON.stringify(input)).toBe(theirs.success)
      expect(ours.data).toEqual(theirs.data)
      // better-call answers `[body.provider] <message>` from the top-level issues only.
      expect(ours.error?.issues.map((issue) => issue.message)).toEqual(
        theirs.error?.issues.map((issue) => issue.message),
      )
    }
  })

  it('builds a configured provider exactly as the package does', () => {
    const options = { clientId: 'client-id', clientSecret: 'client-secret', redirectURI: 'https://a.example/cb' }
    for (const id of providers.socialProviderList) {
      const ours = providers.socialProviders[id](options)
      const theirs = providersPackage.socialProviders[id](options)
      expect(ours.id).toBe(theirs.id)
      expect(Object.keys(ours)).toEqual(Object.keys(theirs))
    }
  })
})

describe('memory-adapter-absent', () => {
  it('is never reached: the BetterAuth options always carry a database adapter', () => {
    const result = createContextResolver({ waitUntil: () => {} })({
      BETTER_AUTH_SECRET: 'x'.repeat(40),
      BETTER_AUTH_URL: 'https://auth.example.com',
      DATABASE_URL: 'postgresql://user:pw@db.example.com/app',
    })
    if (!result.ok) throw new Error(JSON.stringify(result.problems))
    const { auth } = result.service
    // BetterAuth imports the memory adapter only when `options.database` is falsy.
    expect(typeof auth.options.database).toBe('function')
  })

  it('fails loudly if it ever is', () => {
    expect(() => memoryAdapter()).toThrow(/in-memory database/)
  })
})
