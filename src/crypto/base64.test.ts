import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64 } from './base64.ts'

const BYTES = Uint8Array.from([0xfb, 0xff, 0xbf, 0x00, 0x61])

describe('base64', () => {
  it('writes standard base64 padded and base64url unpadded', () => {
    expect(encodeBase64(BYTES, 'base64')).toBe('+/+/AGE=')
    expect(encodeBase64(BYTES.buffer, 'base64url')).toBe('-_-_AGE')
  })

  it('reads each alphabet back, padded or not, and refuses the other alphabet and garbage', () => {
    expect(decodeBase64('+/+/AGE=', 'base64')).toEqual(BYTES)
    expect(decodeBase64('-_-_AGE', 'base64url')).toEqual(BYTES)
    expect(decodeBase64('-_-_AGE=', 'base64url')).toEqual(BYTES)
    expect(decodeBase64('-_-_AGE=', 'base64')).toBeNull()
    expect(decodeBase64('+/+/AGE=', 'base64url')).toBeNull()
    expect(decodeBase64('a%b', 'base64')).toBeNull()
  })
})
