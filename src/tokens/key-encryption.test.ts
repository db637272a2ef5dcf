import { randomBytes } from 'node:crypto'
import { type SecretConfig, symmetricDecrypt, symmetricEncrypt } from 'better-auth/crypto'
import type { Jwk } from 'better-auth/plugins/jwt'
import { describe, expect, it } from 'vitest'
import { createKeyOpener } from './key-encryption.ts'

const secret = () => randomBytes(32).toString('base64url')
const PRIVATE_WEB_KEY = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'public', d: 'private' })

/** What BetterAuth builds from `secrets` (current first) and `secret`. */
function secretConfig(versions: [number, string][], legacySecret?: string): SecretConfig {
  return { keys: new Map(versions), currentVersion: versions[0]![0], legacySecret }
}

async function storedKey(key: string | SecretConfig): Promise<Jwk> {
  return {
    id: 'key-1',
    publicKey: '{}',
    privateKey: JSON.stringify(await symmetricEncrypt({ key, data: PRIVATE_WEB_KEY })),
    createdAt: new Date(),
  }
}

describe('createKeyOpener', () => {
  it('hands back a key BetterAuth decrypts as it is, unchanged', async () => {
    const current = secretConfig([[2, secret()]])
    const key = await storedKey(current)
    expect(await createKeyOpener([])(key, current)).toBe(key)
  })

  it.each([
    // BETTER_AUTH_SECRETS="2:<new>,1:<old>" with BETTER_AUTH_SECRET="<other>": the legacy secret is <other>.
    [
      'as a version while BETTER_AUTH_SECRET is another',
      (old: string) =>
        secretConfig(
          [
            [2, secret()],
            [1, old],
          ],
          secret(),
        ),
    ],
    // BETTER_AUTH_SECRETS="3:<new>,2:<old>,1:<older>": the legacy secret is the oldest version.
    [
      'as a version other than the oldest',
      (old: string) => {
        const older = secret()
        return secretConfig(
          [
            [3, secret()],
            [2, old],
            [1, older],
          ],
          older,
        )
      },
    ],
  ])(
    'opens a key encrypted before versioned secrets under a secret listed %s, re-encrypted for BetterAuth',
    async (_, configure) => {
      const old = secret()
      const current = configure(old)
      const key = await storedKey(old)
      await expect(symmetricDecrypt({ key: current, data: JSON.parse(key.privateKey) })).rejects.toThrow()

      const opened = await createKeyOpener([...current.keys.values(), current.legacySecret!])(key, current)
      expect(opened).toMatchObject({ id: key.id, publicKey: key.publicKey, createdAt: key.createdAt })
      expect(opened!.privateKey).not.toBe(key.privateKey)
      expect(await symmetricDecrypt({ key: current, data: JSON.parse(opened!.privateKey) })).toBe(PRIVATE_WEB_KEY)
    },
  )

  it('opens a versioned key whose secret this deployment lists under another version', async () => {
    const shared = secret()
    const key = await storedKey(secretConfig([[1, shared]]))
    const current = secretConfig([
      [5, secret()],
      [4, shared],
    ])
    const opened = await createKeyOpener([...current.keys.values()])(key, current)
    expect(await symmetricDecrypt({ key: current, data: JSON.parse(opened!.privateKey) })).toBe(PRIVATE_WEB_KEY)
  })

  it('opens a key under the one secret of a deployment without versioned secrets', async () => {
    const old = secret()
    const current = secret()
    const opened = await createKeyOpener([current, old])(await storedKey(old), current)
    expect(await symmetricDecrypt({ key: current, data: JSON.parse(opened!.privateKey) })).toBe(PRIVATE_WEB_KEY)
  })

  it('gives up on a key no known secret opens, and on a malformed one', async () => {
    const current = secretConfig([[1, secret()]], secret())
    const known = [...current.keys.values(), current.legacySecret!]
    const open = createKeyOpener(known)
    expect(await open(await storedKey(secret()), current)).toBeUndefined()
    expect(await open(await storedKey(secretConfig([[1, secret()]])), current)).toBeUndefined()
    expect(await open({ ...(await storedKey(secret())), privateKey: 'not json' }, current)).toBeUndefined()
    expect(await open({ ...(await storedKey(secret())), privateKey: '{"a":1}' }, current)).toBeUndefined()
  })
})
