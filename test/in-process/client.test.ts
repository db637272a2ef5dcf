/**
 * `edge-auth/client` in Node against the app in-process, through a fetch that applies the
 * browser's CORS and cookie rules (test/support/page-fetch.ts): the bearer fallback kept in step
 * with the cookie, the hand-off's exchange, and `diagnose()` from trusted and untrusted origins.
 */
import { describe, expect, it } from 'vitest'
import { completeHandoff, readHandoff } from '../../src/client/handoff.ts'
import { createEdgeAuthClient, type TokenStore } from '../../src/client/index.ts'
import { pageFetch } from '../support/page-fetch.ts'
import { uniqueEmail, useService } from '../support/service.ts'

const FRONTEND = 'http://localhost:3000'
const SERVICE = 'http://localhost:8787'
const PASSWORD = 'correct horse battery'
const running = useService('pglite', { TRUSTED_ORIGINS: FRONTEND }, { target: 'in-process' })

/** A store the test can look into (the client's own default lives in sessionStorage). */
function visibleStore(initial: string | null = null): TokenStore & { token: string | null } {
  return {
    token: initial,
    get() {
      return this.token
    },
    set(token) {
      this.token = token
    },
    clear() {
      this.token = null
    },
  }
}

function page(options: { origin?: string; cookies?: boolean; store?: TokenStore } = {}) {
  const fetch = pageFetch({
    origin: options.origin ?? FRONTEND,
    cookies: options.cookies,
    send: (path, init) => running.service.request(path, init),
  })
  const store = options.store ?? visibleStore()
  const client = createEdgeAuthClient({ baseURL: SERVICE, fetch: fetch.fetch, tokenStorage: store })
  return { client, fetch, store }
}

async function signedUp(options: Parameters<typeof page>[0] = {}) {
  const tab = page(options)
  const email = uniqueEmail()
  const { data, error } = await tab.client.signUp.email({ email, password: PASSWORD, name: 'Client Test' })
  expect(error).toBeNull()
  return { ...tab, email, userId: data!.user.id }
}

describe('the bearer fallback', () => {
  it('keeps the token of a sign-in, and asks get-session by cookie alone while the cookie works', async () => {
    const { client, fetch, email } = await signedUp()
    expect(client.bearerToken()).toMatch(/\S{20,}/)
    const { data } = await client.getSession()
    expect(data?.user.email).toBe(email)
    const asked = fetch.sent.filter((r) => r.path.endsWith('/get-session') && r.method === 'GET')
    expect(asked).toEqual([{ method: 'GET', path: '/api/auth/get-session', bearer: false, cookie: true }])
  })

  it('falls back to the token where the cookie does not arrive, and sends it from then on', async () => {
    const { client, fetch, email, userId } = await signedUp({ cookies: false })
    expect(fetch.jar.size).toBe(0)
    expect((await client.getSession()).data?.user.email).toBe(email)
    expect((await client.getSession()).data?.user.id).toBe(userId)
    const asked = fetch.sent.filter((r) => r.path.endsWith('/get-session') && r.method === 'GET')
    expect(asked.map((r) => r.bearer)).toEqual([false, true, true])
  })

  it('drops a stale token beside a valid cookie, where BetterAuth alone would answer null', async () => {
    const other = await signedUp()
    const staleToken = other.client.bearerToken()!
    await other.client.signOut()
    expect(other.client.bearerToken()).toBeNull()

    const { client, fetch, store, email } = await signedUp()
    const cookie = [...fetch.jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const both = await running.service.request('/api/auth/get-session', {
      headers: { cookie, authorization: `Bearer ${staleToken}` },
    })
    expect(await both.json()).toBeNull() // BetterAuth lets the stale token win over the valid cookie
    store.set(staleToken)
    expect((await client.getSession()).data?.user.email).toBe(email)
    expect(client.bearerToken()).toBeNull()
  })

  it('drops a token of another session once the cookie names its own', async () => {
    const first = await signedUp()
    const { client, store, email } = await signedUp()
    store.set(first.client.bearerToken()!)
    expect((await client.getSession()).data?.user.email).toBe(email)
    expect(client.bearerToken()).toBeNull()
  })

  it('drops a dead token when the cookie does not arrive either, and answers null', async () => {
    const { client, store } = await signedUp({ cookies: false })
    const token = client.bearerToken()!
    await running.service.request('/api/auth/sign-out', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: FRONTEND, 'content-type': 'application/json' },
      body: '{}',
    })
    expect((await client.getSession()).data).toBeNull()
    expect(store.get()).toBeNull()
  })

  it('clears the token on sign-out, by cookie and by bearer', async () => {
    for (const cookies of [true, false]) {
      const { client } = await signedUp({ cookies })
      expect((await client.getSession()).data).not.toBeNull()
      const { error } = await client.signOut()
      expect(error).toBeNull()
      expect(client.bearerToken()).toBeNull()
      expect((await client.getSession()).data).toBeNull()
    }
  })
})

describe('the hand-off', () => {
  async function handoffURL(callback = `${FRONTEND}/signed-in?tab=2#top`) {
    const { fetch } = await signedUp()
    const cookie = [...fetch.jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await running.service.request(`/auth/handoff?callbackURL=${encodeURIComponent(callback)}`, {
      headers: { cookie },
      redirect: 'manual',
    })
    return response.headers.get('location')!
  }

  it('reads ?ott= and ?auth_error= and leaves the rest of the URL alone', async () => {
    expect(readHandoff(`${FRONTEND}/docs?x=1#top`)).toBeNull()
    expect(readHandoff(`${FRONTEND}/signed-in?x=1&ott=abc#top`)).toEqual({
      token: 'abc',
      error: null,
      cleanURL: `${FRONTEND}/signed-in?x=1#top`,
    })
    expect(readHandoff(`${FRONTEND}/signed-in?auth_error=no_session`)).toEqual({
      token: null,
      error: 'no_session',
      cleanURL: `${FRONTEND}/signed-in`,
    })
  })

  it('exchanges the one-time token for this page’s session, once', async () => {
    const location = await handoffURL()
    const params = readHandoff(location)!
    expect(params.cleanURL).toBe(`${FRONTEND}/signed-in?tab=2#top`)

    const { client } = page()
    const verify = (input: { token: string }) => client.oneTimeToken.verify(input)
    expect(await completeHandoff(params, verify)).toEqual({ status: 'signed-in' })
    expect((await client.getSession()).data).not.toBeNull()
    expect(client.bearerToken()).not.toBeNull()

    const replay = await completeHandoff(params, (input) => page().client.oneTimeToken.verify(input))
    expect(replay).toMatchObject({ status: 'failed', error: { name: 'EdgeAuthError', code: 'HANDOFF_TOKEN_INVALID' } })
  })

  it('surfaces ?auth_error= as a typed error', async () => {
    const anonymous = await running.service.request(
      `/auth/handoff?callbackURL=${encodeURIComponent(`${FRONTEND}/signed-in`)}`,
      { redirect: 'manual' },
    )
    const params = readHandoff(anonymous.headers.get('location')!)!
    const result = await completeHandoff(params, () => Promise.reject(new Error('never called')))
    expect(result).toMatchObject({ status: 'failed', error: { code: 'HANDOFF_NO_SESSION', reason: 'no_session' } })
    const other = await completeHandoff(readHandoff(`${FRONTEND}/?auth_error=access_denied`)!, async () => ({
      error: null,
    }))
    expect(other).toMatchObject({ status: 'failed', error: { code: 'HANDOFF_FAILED', reason: 'access_denied' } })
  })

  it('has nothing to do outside a browser', async () => {
    expect(await page().client.handoff()).toEqual({ status: 'none' })
  })
})

describe('diagnose()', () => {
  it('diagnoses the page’s cookie from a trusted origin, once get-session found that the cookie works', async () => {
    const { client, userId } = await signedUp()
    // Until then the client's requests also carry the stored token, which the service reads first.
    expect(await client.diagnose()).toMatchObject({ status: 'valid', credential: 'bearer', session: { userId } })
    expect((await client.getSession()).data?.user.id).toBe(userId)
    expect(await client.diagnose()).toMatchObject({ status: 'valid', credential: 'cookie', session: { userId } })
  })

  it('diagnoses the bearer token where the cookie does not arrive', async () => {
    const { client } = await signedUp({ cookies: false })
    expect(await client.diagnose()).toMatchObject({ status: 'valid', credential: 'bearer' })
  })

  it('names origin_not_trusted from an untrusted origin, where the credentialed answer is refused', async () => {
    const { client, fetch } = page({ origin: 'https://docs.untrusted.example', store: visibleStore('stale.token') })
    const diagnosis = await client.diagnose()
    expect(diagnosis).toEqual({
      status: 'no_credentials',
      credential: null,
      causes: [expect.objectContaining({ code: 'origin_not_trusted' })],
    })
    // The credentialed attempt (preflighted for the token) was refused; the plain GET was read.
    expect(fetch.sent.map((r) => `${r.method} ${r.path}`)).toEqual(['OPTIONS /health/session', 'GET /health/session'])
    // BetterAuth's own calls from there fail as the browser fails them: with a TypeError, not a hang.
    await expect(client.getSession({ fetchOptions: { throw: true } })).rejects.toThrow(TypeError)
  })

  it('says the service is unreachable rather than throwing', async () => {
    const client = createEdgeAuthClient({
      baseURL: SERVICE,
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      tokenStorage: 'memory',
    })
    expect(await client.diagnose()).toMatchObject({ status: 'unreachable', causes: [{ code: 'service_unreachable' }] })
  })
})
