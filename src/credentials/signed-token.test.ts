import { makeSignature } from 'better-auth/crypto'
import { describe, expect, it } from 'vitest'
import type { SigningSecret } from '../config/secrets.ts'
import { createTokenSigner } from './signed-token.ts'

/** A session cookie value exactly as BetterAuth (better-call) writes it. */
async function signCookieValue(value: string, secret: string): Promise<string> {
  return encodeURIComponent(`${value}.${await makeSignature(value, secret)}`)
}

const current: SigningSecret = { version: 2, value: 'n'.repeat(40), source: 'BETTER_AUTH_SECRETS' }
const previous: SigningSecret = { version: 1, value: 'o'.repeat(40), source: 'BETTER_AUTH_SECRETS' }

describe('createTokenSigner', () => {
  const signer = createTokenSigner([current, previous])

  it("verifies BetterAuth's own signed cookie values (URI-encoded) and names the secret", async () => {
    expect(await signer.verify(await signCookieValue('tokenA', current.value))).toEqual({
      token: 'tokenA',
      secretIndex: 0,
    })
    expect(await signer.verify(await signCookieValue('tokenB', previous.value))).toEqual({
      token: 'tokenB',
      secretIndex: 1,
    })
  })

  it('signs exactly as BetterAuth does with the current secret', async () => {
    expect(encodeURIComponent(await signer.sign('tokenC'))).toBe(await signCookieValue('tokenC', current.value))
  })

  it('refuses unknown secrets, tampering and malformed values', async () => {
    const foreign = decodeURIComponent(await signCookieValue('tokenD', 'x'.repeat(40)))
    const genuine = decodeURIComponent(await signCookieValue('tokenD', current.value))
    for (const value of [
      foreign,
      genuine.replace('tokenD', 'tokenE'),
      'no-signature',
      'a.b',
      '.',
      '%E0%A4%A',
      `tokenD.${'!'.repeat(43)}=`,
    ]) {
      expect(await signer.verify(value), value).toBeNull()
    }
  })
})
