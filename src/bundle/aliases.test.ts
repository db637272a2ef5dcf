/**
 * The modules that replace packages in the deployed bundles (wrangler.toml `[alias]`, also applied
 * to the Vercel builds) against the packages they replace: the same behaviour for every way our
 * options use them, the same functions where they keep any.
 */
import { existsSync, readFileSync } from 'node:fs'
import * as providersPackage from '@better-auth/core/social-providers'
import * as telemetryPackage from '@better-auth/telemetry'
import { describe, expect, it } from 'vitest'
import { bundleAliases } from '../../scripts/bundle-aliases.ts'
import { createContextResolver } from '../context.ts'
import * as jsonSchema from './json-schema-absent.ts'
import * as jsonSchemaProcessors from './json-schema-processors-absent.ts'
import { memoryAdapter } from './memory-adapter-absent.ts'
import * as openapi from './openapi-absent.ts'
import { onRequestRateLimit } from './rate-limiter-off.ts'
import * as providers from './social-providers.ts'
import { createTelemetry } from './telemetry-disabled.ts'

describe('bundle aliases', () => {
  it('are read from wrangler.toml and each points at a module of src/bundle', () => {
    const aliases = bundleAliases()
    expect(Object.keys(aliases)).toEqual([
      '@better-auth/telemetry',
      '@better-auth/core/social-providers',
      '@better-auth/memory-adapter',
      './routes/error.mjs',
      './rate-limiter/index.mjs',
      './openapi.mjs',
      '../core/to-json-schema.js',
      './to-json-schema.js',
      '../core/json-schema-processors.js',
      './json-schema-processors.js',
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

/** A file inside a package, by path (package exports do not reach it), and its source. */
const packageFile = (path: string) => new URL(`../../node_modules/${path}`, import.meta.url)
const exportedNames = (path: string) => import(packageFile(path).href).then((module) => Object.keys(module).sort())

describe('files replaced inside packages', () => {
  it('are imported by the files wrangler.toml names, with the specifiers it aliases', () => {
    const importers: Record<string, string> = {
      'better-auth/dist/api/index.mjs': '"./routes/error.mjs"',
      'better-call/dist/router.mjs': '"./openapi.mjs"',
      'zod/v4/classic/schemas.js': '"../core/to-json-schema.js"',
      'zod/v4/core/json-schema-generator.js': '"./json-schema-processors.js"',
    }
    for (const [file, specifier] of Object.entries(importers))
      expect(readFileSync(packageFile(file), 'utf8')).toContain(`from ${specifier}`)
    expect(readFileSync(packageFile('better-auth/dist/api/index.mjs'), 'utf8')).toContain('"./rate-limiter/index.mjs"')
  })

  it('export the names the package files export', async () => {
    expect(Object.keys(openapi).sort()).toEqual(await exportedNames('better-call/dist/openapi.mjs'))
    expect(
      Object.keys(jsonSchema)
        .filter((name) => name !== 'noJsonSchema')
        .sort(),
    ).toEqual(await exportedNames('zod/v4/core/to-json-schema.js'))
    expect(Object.keys(jsonSchemaProcessors).sort()).toEqual(
      await exportedNames('zod/v4/core/json-schema-processors.js'),
    )
  })

  it("rate-limiter-off: does nothing while BetterAuth's limiter is off, as the package's returns at once", async () => {
    const theirs = await import(packageFile('better-auth/dist/api/rate-limiter/index.mjs').href)
    const request = new Request('https://auth.example.com/api/auth/sign-in/email', { method: 'POST' })
    const ctx = { rateLimit: { enabled: false } }
    expect(await onRequestRateLimit(request, ctx)).toBe(await theirs.onRequestRateLimit(request, ctx))
    await expect(onRequestRateLimit(request, { rateLimit: { enabled: true } })).rejects.toThrow(/not bundled/)
  })

  it("json-schema: zod's schemas build and parse without it; asking for a JSON Schema fails loudly", () => {
    expect(jsonSchema.createToJSONSchemaMethod()).toThrow(/not bundled/)
    expect(jsonSchemaProcessors.stringProcessor).toThrow(/not bundled/)
    expect(openapi.generator).toThrow(/not bundled/)
  })
})
