import { describe, expect, it } from 'vitest'
import type { SigningSecret } from '../config/secrets.ts'
import { attachCredentials, credentialsOf, readCredentials } from './request-credential.ts'
import { createTokenSigner, type TokenSigner } from './signed-token.ts'

const NAME = 'better-auth.session_token'
const current: SigningSecret = { version: 2, value: 'n'.repeat(40), source: 'BETTER_AUTH_SECRETS' }
const previous: SigningSecret = { version: 1, value: 'o'.repeat(40), source: 'BETTER_AUTH_SECRETS' }

/** The signer, counting its verifications. */
function countingSigner(): TokenSigner & { calls: number } {
  const signer = createTokenSigner([current, previous])
  const counting = {
    ...signer,
    calls: 0,
    verify(value: string) {
      counting.calls += 1
      return signer.verify(value)
    },
  }
  return counting
}

describe('readCredentials', () => {
  it('reads the session cookie (the first of its name) and the bearer token, a signed token or a JWT', () => {
    const signer = countingSigner()
    const credentials = readCredentials(
      new Headers({ cookie: `a=1; ${NAME}=t1.sig; ${NAME}=t2.sig`, authorization: 'Bearer h.p.s' }),
      NAME,
      signer,
    )
    expect(credentials.cookie).toMatchObject({ kind: 'cookie', value: 't1.sig' })
    expect(credentials.bearer).toMatchObject({ kind: 'jwt', value: 'h.p.s' })
    expect(credentials.cookiePairs).toHaveLength(3)
    expect(credentials.cookies.get('a')).toBe('1')
    expect(readCredentials(new Headers({ authorization: 'bearer t.s' }), NAME, signer).bearer?.kind).toBe('bearer')
    expect(readCredentials(new Headers({ cookie: `${NAME}=` }), NAME, signer).cookie).toBeNull()
    expect(signer.calls).toBe(0)
  })

  it('verifies each value on first need only, and a JWT never by the secrets', async () => {
    const signer = countingSigner()
    const signed = encodeURIComponent(await createTokenSigner([previous]).sign('tok'))
    const credentials = readCredentials(
      new Headers({ cookie: `${NAME}=${signed}`, authorization: `Bearer ${decodeURIComponent(signed)}` }),
      NAME,
      signer,
    )
    expect(await credentials.cookie!.verified()).toEqual({ token: 'tok', secretIndex: 1 })
    expect(await credentials.cookie!.verified()).toEqual({ token: 'tok', secretIndex: 1 })
    expect(await credentials.verify(signed)).toEqual({ token: 'tok', secretIndex: 1 })
    expect(signer.calls).toBe(1)
    expect(await credentials.bearer!.verified()).toEqual({ token: 'tok', secretIndex: 1 })
    expect(signer.calls).toBe(2)
    const jwt = readCredentials(new Headers({ authorization: 'Bearer h.p.s' }), NAME, signer)
    expect(await jwt.bearer!.verified()).toBeNull()
    expect(signer.calls).toBe(2)
  })

  it('attaches a reading to the request BetterAuth handles', () => {
    const request = new Request('http://localhost/')
    const credentials = readCredentials(request.headers, NAME, countingSigner())
    expect(credentialsOf(request)).toBeUndefined()
    expect(credentialsOf(attachCredentials(request, credentials))).toBe(credentials)
    expect(credentialsOf(undefined)).toBeUndefined()
  })
})
