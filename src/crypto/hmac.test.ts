import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fingerprint, hmac, hmacKey, hmacVerify } from './hmac.ts'

const SECRET = 's'.repeat(32)

describe('hmac', () => {
  it('imports one key per secret and reuses it', () => {
    expect(hmacKey(SECRET)).toBe(hmacKey(SECRET))
    expect(hmacKey(SECRET)).not.toBe(hmacKey(`${SECRET}x`))
  })

  it('is HMAC-SHA-256, under a secret or an imported key', async () => {
    const expected = createHmac('sha256', SECRET).update('text').digest()
    expect(Buffer.from(await hmac(SECRET, 'text'))).toEqual(expected)
    expect(Buffer.from(await hmac(await hmacKey(SECRET), 'text'))).toEqual(expected)
  })

  it('verifies a MAC of the text, and only that', async () => {
    const mac = await hmac(SECRET, 'text')
    expect(await hmacVerify(SECRET, mac, 'text')).toBe(true)
    expect(await hmacVerify(await hmacKey(SECRET), mac, 'text')).toBe(true)
    expect(await hmacVerify(SECRET, mac, 'texT')).toBe(false)
  })

  it('fingerprints as the first 12 hex digits', async () => {
    expect(await fingerprint(SECRET, 'text')).toBe(
      createHmac('sha256', SECRET).update('text').digest('hex').slice(0, 12),
    )
  })
})
