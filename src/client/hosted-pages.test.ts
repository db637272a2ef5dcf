import { describe, expect, it } from 'vitest'
import { hostedPageURL } from './hosted-pages.ts'

describe('hostedPageURL', () => {
  it('points at the hosted page with the way back as callbackURL', () => {
    const url = new URL(hostedPageURL('https://auth.example.com', 'sign-in', 'https://docs.example.com/a?b=1'))
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.example.com/sign-in')
    expect([...url.searchParams]).toEqual([['callbackURL', 'https://docs.example.com/a?b=1']])
    expect(hostedPageURL('https://auth.example.com', 'sign-up')).toBe('https://auth.example.com/sign-up')
    expect(hostedPageURL('https://auth.example.com', 'account', 'https://docs.example.com/')).toBe(
      'https://auth.example.com/account',
    )
  })
})
