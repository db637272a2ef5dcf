import { eq } from 'drizzle-orm'
import { decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { jwks } from '../../db/schema.ts'
import { embeddedBackendNames } from '../../test/support/backends.ts'
import { type DeploymentSecrets, deployment, randomSecret, useKeyDatabase } from '../../test/support/jwt-deployments.ts'
import { checkSigningKey } from './signing-key.ts'

describe.each(embeddedBackendNames)('checkSigningKey on %s', (backendName) => {
  const database = useKeyDatabase(backendName)
  const kid = (token: string) => decodeProtectedHeader(token).kid!

  /** A deployment, and what /health/auth would say about its signing keys. */
  function withHealth(secrets: DeploymentSecrets) {
    const running = deployment(database.db, secrets)
    return {
      ...running,
      async inspect() {
        return checkSigningKey(database.db, await running.secretConfig(), running.known)
      },
    }
  }

  it('says there is no key before the first JWT', async () => {
    expect(await withHealth({ single: randomSecret() }).inspect()).toEqual({
      present: false,
      decryptable: null,
      undecryptable: [],
    })
  })

  it("names another secret's live key before and after this deployment makes its own", async () => {
    const foreignKid = kid(await withHealth({ single: randomSecret() }).sign())
    const own = withHealth({ versioned: [{ version: 1, value: randomSecret() }] })

    const before = await own.inspect()
    expect(before).toMatchObject({ present: false, decryptable: null, undecryptable: [{ keyId: foreignKid }] })
    expect(before.problem).toContain(foreignKid)
    expect(before.problem).toContain('another deployment')
    expect(before.problem).toContain('BETTER_AUTH_SECRETS="2:<new>,1:<old>"')

    const ownKid = kid(await own.sign())
    const after = await own.inspect()
    expect(after).toMatchObject({
      present: true,
      decryptable: true,
      keyId: ownKid,
      expiresAt: null,
      undecryptable: [{ keyId: foreignKid, expiresAt: null }],
    })
    expect(after.createdAt).toEqual(expect.any(String))
    expect(after.problem).toContain(foreignKid)
  })

  it('counts a key under any secret it knows as its own, and leaves out expired keys', async () => {
    const old = randomSecret()
    const oldKid = kid(await withHealth({ single: old }).sign())
    const rotated = withHealth({
      versioned: [
        { version: 3, value: randomSecret() },
        { version: 2, value: old },
        { version: 1, value: randomSecret() },
      ],
    })
    expect(await rotated.inspect()).toEqual(
      expect.objectContaining({ present: true, decryptable: true, keyId: oldKid, undecryptable: [] }),
    )

    const foreignKid = kid(await withHealth({ single: randomSecret() }).sign())
    await database.db
      .update(jwks)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(jwks.id, foreignKid))
    const state = await rotated.inspect()
    expect(state.undecryptable).toEqual([])
    expect(state.problem).toBeUndefined()
  })
})
