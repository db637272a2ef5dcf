import { makeSignature } from 'better-auth/crypto'
import { describe, expect, it } from 'vitest'
import { hmacKey } from './hmac.ts'
import { signValue, verifySignedValue } from './signed-value.ts'

const CURRENT = 'c'.repeat(32)
const OLD = 'o'.repeat(32)

describe('signed values', () => {
  it('signs as better-call does, and names the key that signed', async () => {
    const signed = await signValue(CURRENT, 'token')
    expect(signed).toBe(`token.${await makeSignature('token', CURRENT)}`)
    const keys = [await hmacKey(OLD), await hmacKey(CURRENT)]
    expect(await verifySignedValue(signed, keys)).toEqual({ value: 'token', keyIndex: 1 })
  })

  it('refuses other keys, tampering and what is not a signed value', async () => {
    const keys = [await hmacKey(CURRENT)]
    const signed = await signValue(CURRENT, 'token')
    for (const value of [
      await signValue(OLD, 'token'),
      signed.replace('token', 'tokem'),
      'token',
      '.x',
      `token.${'!'.repeat(43)}=`,
      `token.${signed.split('.')[1]!.slice(1)}`,
    ]) {
      expect(await verifySignedValue(value, keys), value).toBeNull()
    }
  })
})
