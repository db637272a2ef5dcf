/**
 * The harness's secret detector (test/support/log-capture.ts), on real secrets: a password hash
 * made by BetterAuth, a JWT signed by jose, values the harness was told about; and clean lines the
 * service really writes.
 */
import { hashPassword } from 'better-auth/crypto'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { captureServiceOutput, findLeaks, rememberSecret, secretsIn } from '../support/log-capture.ts'

describe('the log capture’s secret detector', () => {
  it('finds a scrypt password hash, a JWT and a remembered value, and names only their kind', async () => {
    const hash = await hashPassword('correct horse battery')
    const jwt = await new SignJWT({ sub: 'user-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('k'.repeat(32)))
    rememberSecret('session token', 'AbCdEfGhIjKlMnOpQrStUvWx')
    expect(secretsIn(`{"params":["${hash}"]}`)).toEqual(['password hash'])
    expect(secretsIn(`Authorization: Bearer ${jwt}`)).toEqual(['JWT'])
    expect(secretsIn('cookie=AbCdEfGhIjKlMnOpQrStUvWx.sig')).toEqual(['session token'])

    captureServiceOutput('workerd', `a line\nleaked ${hash}\n`)
    const leaks = findLeaks()
    expect(leaks).toEqual([
      { test: expect.stringContaining('finds a scrypt'), source: 'workerd', kind: 'password hash' },
    ])
    expect(JSON.stringify(leaks)).not.toContain(hash)
  })

  it('passes what the service writes on an error path', () => {
    for (const line of [
      '{"level":"error","event":"unhandled_error","method":"POST","route":"/api/auth/*","error":"Error: Failed query: insert into \\"session\\" (\\"id\\", \\"token\\") values ($1, $2) (cause: local-neon: injected fault)"}',
      '{"level":"warn","event":"session_null","status":"bad_signature","cause":"cross_site_cookie_not_sent","credential":"cookie"}',
      '{"level":"info","event":"auth_events_pruned","deleted":3,"retentionDays":90}',
    ])
      expect(secretsIn(line)).toEqual([])
  })
})
