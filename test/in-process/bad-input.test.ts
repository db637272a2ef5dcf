/**
 * Bad input anywhere gets a clear 4xx JSON error: never a 5xx, never an HTML page.
 */
import { describe, expect, it } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { uniqueEmail, useService } from '../support/service.ts'

type BadRequest = [
  label: string,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> },
]

const json = { 'content-type': 'application/json' }
const BAD_REQUESTS: BadRequest[] = [
  [
    'sign-in with numbers for strings',
    '/api/auth/sign-in/email',
    { method: 'POST', headers: json, body: '{"email":42,"password":42}' },
  ],
  ['sign-in with an array body', '/api/auth/sign-in/email', { method: 'POST', headers: json, body: '[1,2,3]' }],
  ['sign-in with an empty body', '/api/auth/sign-in/email', { method: 'POST', headers: json, body: '' }],
  [
    'sign-in with a text body',
    '/api/auth/sign-in/email',
    { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'email=a' },
  ],
  [
    'sign-up with a null name',
    '/api/auth/sign-up/email',
    { method: 'POST', headers: json, body: '{"email":"EMAIL","password":"long enough 1","name":null}' },
  ],
  [
    'sign-up with a 201-character name',
    '/api/auth/sign-up/email',
    {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'EMAIL', password: 'long enough 1', name: 'n'.repeat(201) }),
    },
  ],
  [
    'sign-up with a 1 MB name',
    '/api/auth/sign-up/email',
    {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'EMAIL', password: 'long enough 1', name: 'n'.repeat(1 << 20) }),
    },
  ],
  [
    'one-time-token verify with an object token',
    '/api/auth/one-time-token/verify',
    { method: 'POST', headers: json, body: '{"token":{"$ne":null}}' },
  ],
  [
    'one-time-token verify with an unknown token',
    '/api/auth/one-time-token/verify',
    { method: 'POST', headers: json, body: '{"token":"nope"}' },
  ],
  [
    'change-password without a session',
    '/api/auth/change-password',
    { method: 'POST', headers: json, body: '{"currentPassword":"a","newPassword":"bbbbbbbbb"}' },
  ],
  ['token without a session', '/api/auth/token', {}],
  [
    'sessions with a malformed JWT',
    '/api/users/u1/sessions',
    { headers: { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.AAAA' } },
  ],
  ['sessions with a non-Bearer scheme', '/api/users/u1/sessions', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
  [
    'sessions with a broken percent-encoded cookie',
    '/api/users/u1/sessions',
    { headers: { cookie: 'better-auth.session_token=%E0%A4%A.x' } },
  ],
  [
    'sign-in with a numeric callbackURL',
    '/api/auth/sign-in/email',
    { method: 'POST', headers: json, body: '{"email":"EMAIL","password":"long enough 1","callbackURL":1}' },
  ],
  [
    'change-password with an object errorCallbackURL',
    '/api/auth/change-password',
    { method: 'POST', headers: json, body: '{"errorCallbackURL":{}}' },
  ],
  ['hand-off with no callback', '/auth/handoff', {}],
  ['an unknown auth route', '/api/auth/does-not-exist', {}],
  ['PUT on sign-in', '/api/auth/sign-in/email', { method: 'PUT', headers: json, body: '{}' }],
]

describe.each(embeddedBackendNames)('bad input on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })

  it.each(BAD_REQUESTS)('%s: 4xx JSON {code, message}', async (_label, path, init) => {
    const body = init.body?.replace('EMAIL', uniqueEmail('bad'))
    const response = await running.service.client().request(path, {
      ...init,
      ...(body === undefined ? {} : { body }),
    })
    expect(
      response.status,
      await response
        .clone()
        .text()
        .then((t) => t.slice(0, 200)),
    ).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) })
  })

  it('rewrites BetterAuth’s errors without a code for a signed-in user', async () => {
    const client = running.service.client()
    await client.signUp(uniqueEmail('bad'))
    // BetterAuth answers `{"message":"No fields to update"}`.
    const update = await client.request('/api/auth/update-session', { json: {} })
    expect(update.status).toBe(400)
    expect(await update.json()).toEqual({ code: 'BAD_REQUEST', message: 'No fields to update' })
    // Deleting users is not enabled: BetterAuth answers an empty 404 labelled JSON.
    const remove = await client.request('/api/auth/delete-user', { json: {} })
    expect(remove.status).toBe(404)
    expect(await remove.json()).toEqual({ code: 'NOT_FOUND', message: 'No route for POST /api/auth/delete-user' })
  })

  it('answers a value Postgres cannot take (a NUL byte in a path) with 400, not 500', async () => {
    const client = running.service.client()
    const signUp = await client.signUp(uniqueEmail('nul'))
    const { user } = (await signUp.json()) as { user: { id: string } }
    for (const path of [`/api/users/${user.id}/sessions/%00`, `/api/users/${user.id}/sessions/a%00b`]) {
      const response = await client.request(path, { method: 'DELETE' })
      expect(response.status, path).toBe(400)
      expect(await response.json()).toEqual({
        code: 'BAD_REQUEST',
        message: 'The request holds a value the database cannot store.',
      })
    }
  })

  it('answers get-session with a garbage cookie or bearer as null, not an error', async () => {
    const garbage: Record<string, string>[] = [
      { cookie: 'better-auth.session_token=%%%' },
      { authorization: 'Bearer %%%.%%%' },
      { authorization: 'Bearer ' },
    ]
    for (const headers of garbage) {
      const response = await running.service.client().request('/api/auth/get-session', { headers })
      expect(response.status).toBe(200)
      expect(await response.json()).toBeNull()
    }
  })
})
