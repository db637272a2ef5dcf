import { describe, expect, it } from 'vitest'
import { cookiePairs, decodeCookieValue, parseCookieHeader } from './cookies.ts'

describe('Cookie header', () => {
  it('reads pairs in order, a repeated name once (the first), and skips what is no pair', () => {
    expect([...cookiePairs('a=1; b=x=y;c; a=2')]).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x=y' },
      { name: 'a', value: '2' },
    ])
    expect(parseCookieHeader('a=1; a=2').get('a')).toBe('1')
    expect(parseCookieHeader(null).size).toBe(0)
  })

  it('decodes a value as better-call does: quotes dropped, URI-decoded once when it can be', () => {
    expect(decodeCookieValue('"t.s%3D"')).toBe('t.s=')
    expect(decodeCookieValue('%E0%A4%A')).toBe('%E0%A4%A')
    expect(decodeCookieValue('%2541')).toBe('%41')
  })
})
