import { describe, expect, it } from 'vitest'
import { completeHandoff, readHandoff } from './handoff.ts'
import { socialSignInURL } from './sign-in-url.ts'

describe('socialSignInURL', () => {
  it('points at /auth/sign-in/:provider with the callback URLs, the current page by default', () => {
    const url = new URL(socialSignInURL('https://auth.example.com', 'oidc', {}, 'https://docs.example.com/a?b=1'))
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.example.com/auth/sign-in/oidc')
    expect([...url.searchParams]).toEqual([['callbackURL', 'https://docs.example.com/a?b=1']])
    const all = new URL(
      socialSignInURL('https://auth.example.com', 'github', {
        callbackURL: 'https://docs.example.com/in',
        errorCallbackURL: 'https://docs.example.com/failed',
        newUserCallbackURL: 'https://docs.example.com/welcome',
      }),
    )
    expect(Object.fromEntries(all.searchParams)).toEqual({
      callbackURL: 'https://docs.example.com/in',
      errorCallbackURL: 'https://docs.example.com/failed',
      newUserCallbackURL: 'https://docs.example.com/welcome',
    })
  })

  it('needs a callbackURL outside a page', () => {
    expect(() => socialSignInURL('https://auth.example.com', 'google')).toThrow(/callbackURL/)
  })
})

describe('a sign-in failure on the page', () => {
  it("is SIGN_IN_FAILED with the service's code as the reason", async () => {
    const params = readHandoff('https://docs.example.com/failed?auth_error=OAUTH_ACCESS_DENIED')!
    const result = await completeHandoff(params, async () => ({ error: null }))
    expect(result).toMatchObject({ status: 'failed', error: { code: 'SIGN_IN_FAILED', reason: 'OAUTH_ACCESS_DENIED' } })
  })
})
