import type { GenericEndpointContext } from 'better-auth'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { jwks } from '../../db/schema.ts'
import { backendNames } from '../../test/support/backends.ts'
import { deployment, ISSUER, randomSecret, useKeyDatabase } from '../../test/support/jwt-deployments.ts'
import { FAILED_READ_BACKOFF_MS, SIGNING_KEY_CACHE_MS, SigningKeysUnavailable, shareInFlight } from './key-store.ts'

/** `BETTER_AUTH_SECRETS` entries, current first: the first value gets the highest version. */
function versions(...values: string[]) {
  return values.map((value, index) => ({ version: values.length - index, value }))
}

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('shareInFlight', () => {
  it('lets concurrent callers share one call, and calls again once it settled', async () => {
    let calls = 0
    const pending = deferred<string>()
    const shared = shareInFlight(async (label: string) => {
      calls += 1
      return `${label}:${await pending.promise}`
    }, 1_000)
    const results = Promise.all([shared('a'), shared('b'), shared('c')])
    pending.resolve('keys')
    expect(await results).toEqual(['a:keys', 'a:keys', 'a:keys'])
    expect(calls).toBe(1)
    await shared('d')
    expect(calls).toBe(2)
  })

  it('makes a waiter call with its own arguments when the shared call takes too long', async () => {
    const never = new Promise<string>(() => {})
    const shared = shareInFlight(async (label: string) => (label === 'stuck' ? never : `own:${label}`), 20)
    void shared('stuck')
    expect(await shared('waiter')).toBe('own:waiter')
  })

  it('makes a waiter call itself when the shared call fails', async () => {
    const failing = deferred<string>()
    const shared = shareInFlight(async (label: string) => (label === 'first' ? failing.promise : `own:${label}`), 1_000)
    const first = shared('first')
    const waiter = shared('second')
    failing.reject(new Error('request cancelled'))
    await expect(first).rejects.toThrow('request cancelled')
    expect(await waiter).toBe('own:second')
  })
})

describe.each(backendNames)('createKeyStore on %s', (backendName) => {
  const database = useKeyDatabase(backendName)
  const kid = (token: string) => decodeProtectedHeader(token).kid
  const rows = () => database.db.select().from(jwks).orderBy(jwks.createdAt)

  it.each([
    [
      'BETTER_AUTH_SECRETS="3:<new>,2:<old>,1:<older>"',
      (old: string) => ({ versioned: versions(randomSecret(), old, randomSecret()) }),
    ],
    [
      'BETTER_AUTH_SECRETS="2:<new>,1:<old>" and BETTER_AUTH_SECRET="<other>"',
      (old: string) => ({ versioned: versions(randomSecret(), old), single: randomSecret() }),
    ],
  ])('signs with a key made before versioned secrets under %s, leaving its row as it is', async (_, rotated) => {
    const old = randomSecret()
    const before = deployment(database.db, { single: old })
    const original = kid(await before.sign())
    const stored = await rows()

    const after = deployment(database.db, rotated(old))
    const tokens = [await after.sign(), await after.sign(), await after.sign()]
    expect(tokens.map(kid)).toEqual([original, original, original])
    expect(await rows()).toEqual(stored)
    const keySet = createLocalJWKSet(await after.jwks())
    await jwtVerify(tokens[0]!, keySet, { issuer: ISSUER, audience: ISSUER })
  })

  it('decrypts when it reads the keys (once a minute), not for every signing', async () => {
    const old = randomSecret()
    await deployment(database.db, { single: old }).sign()
    const stored = await rows()
    let clock = Date.now()
    const rotated = deployment(
      database.db,
      { versioned: versions(randomSecret(), old, randomSecret()) },
      { now: () => clock },
    )
    const ctx = { path: '/token', context: await rotated.auth.$context } as unknown as GenericEndpointContext
    const first = (await rotated.store.getJwks!(ctx))!
    expect(await rotated.store.getJwks!(ctx)).toBe(first)
    await rotated.sign()
    expect(await rotated.store.getJwks!(ctx)).toBe(first)
    clock += SIGNING_KEY_CACHE_MS
    const reread = (await rotated.store.getJwks!(ctx))!
    expect(reread).not.toBe(first)
    // Re-encrypted again (a fresh nonce), the stored rows untouched.
    expect(reread[0]!.privateKey).not.toBe(first[0]!.privateKey)
    expect(await rows()).toEqual(stored)
  })

  it('signs only with keys it can decrypt: makes one of its own, once, and the JWKS keeps every key', async () => {
    const first = deployment(database.db, { single: randomSecret() })
    const firstKid = kid(await first.sign())
    const second = deployment(database.db, { versioned: versions(randomSecret()) })
    const tokens = await Promise.all(Array.from({ length: 5 }, () => second.sign()))
    tokens.push(await second.sign(), await second.sign())
    const secondKids = new Set(tokens.map(kid))
    expect(secondKids.size).toBe(1)
    const [secondKid] = secondKids
    expect(secondKid).not.toBe(firstKid)
    expect((await rows()).map((row) => row.id)).toEqual([firstKid, secondKid])

    // New isolates of each deployment read the keys afresh and pick their own again.
    const firstAgain = deployment(database.db, { single: first.known[0]! })
    const secondAgain = deployment(database.db, { versioned: versions(second.known[0]!) })
    expect(kid(await firstAgain.sign())).toBe(firstKid)
    expect(kid(await secondAgain.sign())).toBe(secondKid)
    expect(await rows()).toHaveLength(2)

    for (const each of [first, second]) {
      const keySet = createLocalJWKSet(await each.jwks())
      await jwtVerify(tokens[0]!, keySet, { issuer: ISSUER, audience: ISSUER })
    }
    // The other deployment's key is still found by its id where BetterAuth verifies.
    const firstToken = await first.sign()
    expect((await second.auth.api.verifyJWT({ body: { token: firstToken } })).payload?.sub).toBe('user-1')
  })

  it('creates no key when another isolate made one it can decrypt since it last read', async () => {
    const foreign = deployment(database.db, { single: randomSecret() })
    await foreign.sign()
    const secret = randomSecret()
    const stale = deployment(database.db, { single: secret })
    const ctx = { path: '/token', context: await stale.auth.$context } as unknown as GenericEndpointContext
    await stale.store.getJwks!(ctx) // caches a view with no key it can use
    const made = kid(await deployment(database.db, { single: secret }).sign())
    expect(kid(await stale.sign())).toBe(made)
    expect(await rows()).toHaveLength(2)
  })
  it('fails one read, then fails signings at once until its back-off has passed, and reads again after it', async () => {
    let clock = Date.now()
    const isolate = deployment(database.db, { single: randomSecret() }, { now: () => clock })
    const ctx = { path: '/token', context: await isolate.auth.$context } as unknown as GenericEndpointContext
    database.endpoint.faults.inject({ match: 'from "jwks"', action: { kind: 'drop' } })
    await expect(isolate.store.getJwks!(ctx)).rejects.not.toBeInstanceOf(SigningKeysUnavailable)
    database.endpoint.resetStats()
    await expect(isolate.store.getJwks!(ctx)).rejects.toBeInstanceOf(SigningKeysUnavailable)
    expect(database.endpoint.requests()).toEqual([])
    database.endpoint.faults.clear()
    clock += FAILED_READ_BACKOFF_MS
    expect(await isolate.store.getJwks!(ctx)).toEqual([])
    expect(database.endpoint.requests()).toHaveLength(1)
  })
})
