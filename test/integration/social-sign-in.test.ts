/**
 * Sign-in through an OpenID Connect provider, in workerd, against a real `oidc-provider` on
 * loopback: the authorization request (PKCE, state, the discovered endpoint), the completed code
 * flow across sites (hand-off to the frontend), every failure ending on errorCallbackURL with its
 * code (a failed account write on a first sign-in included: nothing is left, a retry succeeds),
 * account linking and unlinking, and provider tokens kept out of every answer.
 */
import { symmetricDecrypt } from 'better-auth/crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backendNamed, embeddedBackendNames, queryEndpoint } from '../support/backends.ts'
import type { TestClient } from '../support/client.ts'
import { signInAt, startIdentityProvider, type TestIdentityProvider, type TestUser } from '../support/oidc-provider.ts'
import { startService, TEST_SECRET, type TestService, uniqueEmail } from '../support/service.ts'

const FRONTEND = 'https://docs.example.com'
const CALLBACK = `${FRONTEND}/signed-in`
const ERROR_CALLBACK = `${FRONTEND}/sign-in-failed`
const SERVICE_URL = 'http://localhost:8787'

function signInPath(provider = 'oidc', extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ callbackURL: CALLBACK, errorCallbackURL: ERROR_CALLBACK, ...extra })
  return `/auth/sign-in/${provider}?${query}`
}

/** A path on the service from an absolute URL the service or the provider redirected to. */
function servicePath(url: string | URL): string {
  const parsed = new URL(url, SERVICE_URL)
  expect(parsed.origin).toBe(SERVICE_URL)
  return `${parsed.pathname}${parsed.search}`
}

function location(response: Response): string {
  expect(response.status).toBe(302)
  return response.headers.get('location')!
}

/** Where a failure ends: the frontend's errorCallbackURL with `auth_error`. */
function expectError(url: string, code: string) {
  const ended = new URL(url)
  expect(`${ended.origin}${ended.pathname}`).toBe(ERROR_CALLBACK)
  expect(ended.searchParams.get('auth_error')).toBe(code)
}

describe.each(embeddedBackendNames)('sign-in with an OpenID Connect provider (%s)', (backendName) => {
  const database = backendNamed(backendName)
  let idp: TestIdentityProvider
  let service: TestService<'workerd'>
  let logs: string[] = []

  beforeAll(async () => {
    idp = await startIdentityProvider([`${SERVICE_URL}/api/auth/callback/oidc`])
    service = await startService(
      database,
      { ...idp.bindings, TRUSTED_ORIGINS: FRONTEND },
      { onLog: (log) => void logs.push(log.message) },
    )
  })
  afterAll(async () => {
    await service?.stop()
    await idp?.close()
    await database.cleanup()
  })

  /** A browser tab on the service's origin (top-level navigations: no Origin header). */
  function navigator(): TestClient {
    return service.client(null)
  }

  /** Runs a sign-in up to the provider's redirect back; returns the tab and the callback URL. */
  async function throughProvider(user: TestUser, decision: 'allow' | 'deny' = 'allow') {
    const tab = navigator()
    const authorization = location(await tab.request(signInPath()))
    const callback = await signInAt(authorization, user.id, decision)
    return { tab, callback }
  }

  /** Completes a sign-in and exchanges the hand-off token on the frontend; returns the frontend tab. */
  async function signInOnFrontend(user: TestUser) {
    const { tab, callback } = await throughProvider(user)
    const handoff = location(await tab.request(servicePath(callback)))
    const landed = new URL(location(await tab.request(servicePath(handoff))))
    expect(`${landed.origin}${landed.pathname}`).toBe(CALLBACK)
    const frontend = service.client(FRONTEND)
    const verified = await frontend.request('/api/auth/one-time-token/verify', {
      json: { token: landed.searchParams.get('ott') },
    })
    expect(verified.status).toBe(200)
    return frontend
  }

  it('sends the browser to the discovered authorization endpoint with PKCE (S256), state and nonce', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      authorization_endpoint: string
    }
    const response = await navigator().request(signInPath())
    const authorization = new URL(location(response))
    expect(`${authorization.origin}${authorization.pathname}`).toBe(discovery.authorization_endpoint)
    const params = authorization.searchParams
    expect(params.get('client_id')).toBe(idp.clientId)
    expect(params.get('redirect_uri')).toBe(`${SERVICE_URL}/api/auth/callback/oidc`)
    expect(params.get('response_type')).toBe('code')
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get('state')).toMatch(/^\S{16,}$/)
    expect(params.get('nonce')).toBeTruthy()
    expect(params.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']))
    // The state cookie is the service's own, set by this top-level navigation.
    expect(response.headers.getSetCookie().some((line) => /state=/.test(line))).toBe(true)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('refuses callback URLs off the trusted origins, before any redirect', async () => {
    const tab = navigator()
    const untrusted = await tab.request(
      `/auth/sign-in/oidc?callbackURL=${encodeURIComponent('https://evil.example/x')}`,
    )
    expect(untrusted.status).toBe(400)
    expect(await untrusted.json()).toMatchObject({ code: 'UNTRUSTED_CALLBACK_URL', parameter: 'callbackURL' })
    const badError = await tab.request(signInPath('oidc', { errorCallbackURL: 'https://evil.example/e' }))
    expect(await badError.json()).toMatchObject({ code: 'UNTRUSTED_CALLBACK_URL', parameter: 'errorCallbackURL' })
    const badNewUser = await tab.request(signInPath('oidc', { newUserCallbackURL: '/relative' }))
    expect(await badNewUser.json()).toMatchObject({ code: 'INVALID_CALLBACK_URL', parameter: 'newUserCallbackURL' })
  })

  it('completes the code flow: creates the user and account, and signs the frontend in through the hand-off', async () => {
    const user = idp.addUser({ email: uniqueEmail('oidc'), emailVerified: true, name: 'Ada Lovelace' })
    const frontend = await signInOnFrontend(user)
    const session = await frontend.session()
    expect(session?.user).toMatchObject({ email: user.email, name: 'Ada Lovelace', emailVerified: true })

    const accounts = await frontend.request('/api/auth/list-accounts')
    const listed = (await accounts.json()) as Record<string, unknown>[]
    expect(listed).toEqual([expect.objectContaining({ providerId: 'oidc', accountId: user.id })])
    for (const account of listed) {
      expect(Object.keys(account)).not.toEqual(expect.arrayContaining(['accessToken']))
      expect(account).not.toHaveProperty('refreshToken')
      expect(account).not.toHaveProperty('idToken')
    }

    // Stored encrypted: the column is not the token, and decrypts to one the provider accepts.
    const [row] = await queryEndpoint(
      service.endpoint,
      'select a.access_token, a.id_token from account a join "user" u on u.id = a.user_id where u.email = $1',
      [user.email],
    )
    const stored = row![0]!
    expect(row![1]).toBeNull()
    const asStored = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${stored}` } })
    expect(asStored.status).toBe(401)
    const token = await symmetricDecrypt({ key: TEST_SECRET, data: stored })
    const userinfo = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(userinfo.status).toBe(200)

    // No route hands the provider's token out.
    for (const path of ['/api/auth/get-access-token', '/api/auth/refresh-token']) {
      const response = await frontend.request(path, { json: { providerId: 'oidc' } })
      expect(response.status).toBe(404)
    }
    const everything = JSON.stringify([session, listed])
    expect(everything).not.toContain(token)
  })

  it('goes to newUserCallbackURL for a new user only', async () => {
    const user = idp.addUser({ email: uniqueEmail('new'), emailVerified: true, name: 'New' })
    const newUser = `${FRONTEND}/welcome`
    for (const expected of [newUser, CALLBACK]) {
      const tab = navigator()
      const authorization = location(await tab.request(signInPath('oidc', { newUserCallbackURL: newUser })))
      const callback = await signInAt(authorization, user.id)
      const handoff = new URL(location(await tab.request(servicePath(callback))))
      expect(handoff.searchParams.get('callbackURL')).toBe(expected)
    }
  })

  it('denied consent ends on errorCallbackURL with OAUTH_ACCESS_DENIED', async () => {
    const user = idp.addUser({ email: uniqueEmail('deny'), emailVerified: true, name: 'Denier' })
    const { tab, callback } = await throughProvider(user, 'deny')
    const toErrorRoute = location(await tab.request(servicePath(callback)))
    expectError(location(await tab.request(servicePath(toErrorRoute))), 'OAUTH_ACCESS_DENIED')
  })

  it('a callback in a browser that did not start the flow ends with OAUTH_STATE_MISMATCH', async () => {
    const user = idp.addUser({ email: uniqueEmail('csrf'), emailVerified: true, name: 'Other' })
    const { callback } = await throughProvider(user)
    const stranger = navigator()
    const toErrorRoute = location(await stranger.request(servicePath(callback)))
    expectError(location(await stranger.request(servicePath(toErrorRoute))), 'OAUTH_STATE_MISMATCH')
  })

  it('a replayed callback ends with OAUTH_CALLBACK_EXPIRED', async () => {
    const user = idp.addUser({ email: uniqueEmail('replay'), emailVerified: true, name: 'Replay' })
    const { tab, callback } = await throughProvider(user)
    location(await tab.request(servicePath(callback)))
    const replayed = location(await tab.request(servicePath(callback)))
    expectError(location(await tab.request(servicePath(replayed))), 'OAUTH_CALLBACK_EXPIRED')
  })

  it('a provider that fails at the token exchange ends with OAUTH_PROVIDER_FAILED', async () => {
    const user = idp.addUser({ email: uniqueEmail('down'), emailVerified: true, name: 'Down' })
    const { tab, callback } = await throughProvider(user)
    idp.up(false)
    try {
      const toErrorRoute = location(await tab.request(servicePath(callback)))
      expectError(location(await tab.request(servicePath(toErrorRoute))), 'OAUTH_PROVIDER_FAILED')
    } finally {
      idp.up(true)
    }
  })

  it('a provider down at the start (discovery) ends with OAUTH_PROVIDER_UNAVAILABLE, and works once it is back', async () => {
    idp.up(false)
    try {
      await service.restart()
      expectError(location(await navigator().request(signInPath())), 'OAUTH_PROVIDER_UNAVAILABLE')
    } finally {
      idp.up(true)
    }
    const authorization = new URL(location(await navigator().request(signInPath())))
    expect(authorization.origin).toBe(idp.issuer)
  })

  it('an unknown provider ends with OAUTH_PROVIDER_NOT_ENABLED', async () => {
    expectError(location(await navigator().request(signInPath('gitlab'))), 'OAUTH_PROVIDER_NOT_ENABLED')
  })

  it('a failed account write on a first sign-in leaves no user, ends on errorCallbackURL, and a retry succeeds', async () => {
    const user = idp.addUser({ email: uniqueEmail('atomic'), emailVerified: true, name: 'Atomic' })
    const users = async () =>
      (await queryEndpoint(service.endpoint, 'select count(*) from "user" where email = $1', [user.email]))[0]![0]
    const { tab, callback } = await throughProvider(user)
    service.endpoint.faults.inject({ match: 'insert into "account"', action: { kind: 'error' }, times: 1 })
    try {
      const toErrorRoute = location(await tab.request(servicePath(callback)))
      expectError(location(await tab.request(servicePath(toErrorRoute))), 'OAUTH_USER_NOT_CREATED')
    } finally {
      service.endpoint.faults.clear()
    }
    expect(await users()).toBe('0')

    const frontend = await signInOnFrontend(user)
    expect((await frontend.session())?.user.email).toBe(user.email)
    expect(await users()).toBe('1')
  })

  it('logs each failure with its cause, and never the code or state', async () => {
    logs = []
    const user = idp.addUser({ email: uniqueEmail('log'), emailVerified: true, name: 'Logged' })
    const { callback } = await throughProvider(user)
    const stranger = navigator()
    const toErrorRoute = location(await stranger.request(servicePath(callback)))
    await stranger.request(servicePath(toErrorRoute))
    const text = logs.join('\n')
    expect(text).toContain('"event":"social_sign_in_failed"')
    expect(text).toContain('"code":"OAUTH_STATE_MISMATCH"')
    expect(text).not.toContain(callback.searchParams.get('code')!)
    expect(text).not.toContain(callback.searchParams.get('state')!)
  })

  it('refuses BetterAuth’s sign-in by fetch from a frontend on another site, with a named error', async () => {
    const response = await service.client(FRONTEND).request('/api/auth/sign-in/social', {
      json: { provider: 'oidc', callbackURL: CALLBACK },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      code: 'OAUTH_CROSS_SITE_FETCH',
      signInURL: expect.stringContaining('/auth/sign-in/oidc'),
    })
  })

  it('same-site: the callback ends on the frontend directly, and sign-in by fetch keeps working', async () => {
    const sameSite = 'http://localhost:3000'
    await service.restart({ TRUSTED_ORIGINS: sameSite })
    try {
      const user = idp.addUser({ email: uniqueEmail('same'), emailVerified: true, name: 'Same Site' })
      const tab = navigator()
      const query = new URLSearchParams({ callbackURL: `${sameSite}/signed-in` })
      const callback = await signInAt(location(await tab.request(`/auth/sign-in/oidc?${query}`)), user.id)
      expect(location(await tab.request(servicePath(callback)))).toBe(`${sameSite}/signed-in`)
      expect((await tab.session())?.user.email).toBe(user.email)

      const byFetch = await service.client(sameSite).request('/api/auth/sign-in/social', {
        json: { provider: 'oidc', callbackURL: `${sameSite}/signed-in` },
      })
      expect(byFetch.status).toBe(200)
      expect(new URL(((await byFetch.json()) as { url: string }).url).origin).toBe(idp.issuer)
    } finally {
      await service.restart()
    }
  })

  describe('accounts', () => {
    async function emailUser(email: string, verified: boolean) {
      const tab = service.client(FRONTEND)
      expect((await tab.signUp(email)).status).toBe(200)
      await queryEndpoint(service.endpoint, 'update "user" set email_verified = $1 where email = $2', [verified, email])
      return tab
    }

    async function unlink(tab: TestClient, providerId: string) {
      const listed = (await (await tab.request('/api/auth/list-accounts')).json()) as {
        id: string
        providerId: string
      }[]
      const accountId = listed.find((a) => a.providerId === providerId)?.id
      return tab.request('/api/auth/unlink-account', { json: { accountId } })
    }

    async function accountsOf(email: string) {
      const rows = await queryEndpoint(
        service.endpoint,
        'select a.provider_id from account a join "user" u on u.id = a.user_id where u.email = $1 order by 1',
        [email],
      )
      return rows.map((r) => r[0])
    }

    it('links to the user of the same email when the provider verified it', async () => {
      const email = uniqueEmail('link')
      const tab = await emailUser(email, true)
      const before = await tab.session()
      const frontend = await signInOnFrontend(idp.addUser({ email, emailVerified: true, name: 'Linked' }))
      expect((await frontend.session())?.user.id).toBe(before?.user.id)
      expect(await accountsOf(email)).toEqual(['credential', 'oidc'])
    })

    it('does not link when the provider did not verify the email', async () => {
      const email = uniqueEmail('unverified')
      await emailUser(email, true)
      const { tab, callback } = await throughProvider(idp.addUser({ email, emailVerified: false, name: 'Unverified' }))
      const toErrorRoute = location(await tab.request(servicePath(callback)))
      expectError(location(await tab.request(servicePath(toErrorRoute))), 'OAUTH_ACCOUNT_NOT_LINKED')
      expect(await accountsOf(email)).toEqual(['credential'])
    })

    it('creates an unverified user when the provider did not verify a new email', async () => {
      const user = idp.addUser({ email: uniqueEmail('fresh'), emailVerified: false, name: 'Fresh' })
      const frontend = await signInOnFrontend(user)
      expect((await frontend.session())?.user).toMatchObject({ email: user.email, emailVerified: false })
    })

    it('unlinks a provider, never the last way to sign in', async () => {
      const email = uniqueEmail('unlink')
      await emailUser(email, true)
      const frontend = await signInOnFrontend(idp.addUser({ email, emailVerified: true, name: 'Two ways' }))
      const unlinked = await unlink(frontend, 'oidc')
      expect(unlinked.status).toBe(200)
      expect(await accountsOf(email)).toEqual(['credential'])
      const last = await unlink(frontend, 'credential')
      expect(last.status).toBe(400)
      expect(await last.json()).toMatchObject({ code: 'FAILED_TO_UNLINK_LAST_ACCOUNT' })

      const only = await signInOnFrontend(idp.addUser({ email: uniqueEmail('only'), emailVerified: true, name: 'One' }))
      const refused = await unlink(only, 'oidc')
      expect(await refused.json()).toMatchObject({ code: 'FAILED_TO_UNLINK_LAST_ACCOUNT' })
    })

    it('with ACCOUNT_LINKING=off never links, even a verified email', async () => {
      await service.restart({ ACCOUNT_LINKING: 'off' })
      try {
        const email = uniqueEmail('off')
        await emailUser(email, true)
        const { tab, callback } = await throughProvider(idp.addUser({ email, emailVerified: true, name: 'Off' }))
        const toErrorRoute = location(await tab.request(servicePath(callback)))
        expectError(location(await tab.request(servicePath(toErrorRoute))), 'OAUTH_ACCOUNT_NOT_LINKED')
      } finally {
        await service.restart()
      }
    })
  })
})
