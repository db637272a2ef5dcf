/**
 * The null-session log, black-box on the Worker: what workerd writes is captured line by line. A
 * null get-session logs one `session_null` line with its status and cause, at most once per
 * reason per minute, and nothing it writes carries a cookie value or a token. The line may come
 * after the response (the platform's waitUntil), so the test polls for it.
 */
import { describe, expect, it } from 'vitest'
import { uniqueEmail, useService } from '../support/service.ts'

const SERVICE_URL = 'https://auth.example.com'
const FRONTEND = 'https://docs.other.com'
const POLL_MS = 5000

interface NullSessionLine {
  event: 'session_null'
  status: string
  cause: string | null
  credential: string | null
}

// The log is per isolate; one database backend is enough.
describe('the null-session log (workerd output)', () => {
  const output: string[] = []
  const running = useService(
    'pglite',
    { BETTER_AUTH_URL: SERVICE_URL, TRUSTED_ORIGINS: FRONTEND },
    { onLog: (log) => output.push(log.message) },
  )

  /** Every `session_null` line workerd has written so far, parsed. */
  function nullSessionLines(): NullSessionLine[] {
    return output
      .flatMap((message) => message.split('\n'))
      .filter((line) => line.includes('"session_null"'))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as NullSessionLine)
  }

  async function waitForLine(matches: (line: NullSessionLine) => boolean): Promise<void> {
    const deadline = Date.now() + POLL_MS
    while (!nullSessionLines().some(matches)) {
      if (Date.now() > deadline)
        throw new Error(`no matching session_null line within ${POLL_MS} ms:\n${output.join('\n')}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async function getSession(headers: Record<string, string>): Promise<unknown> {
    const response = await running.service.request('/api/auth/get-session', { headers })
    expect(response.status).toBe(200)
    return response.json()
  }

  it('logs a cookieless cross-site get-session once per minute, with its status and cause', async () => {
    const crossSiteWithoutCookie = { origin: FRONTEND }
    const isCrossSiteLine = (line: NullSessionLine) => line.cause === 'cross_site_cookie_not_sent'

    expect(await getSession(crossSiteWithoutCookie)).toBeNull()
    await waitForLine(isCrossSiteLine)
    expect(nullSessionLines().filter(isCrossSiteLine)).toEqual([
      expect.objectContaining({ event: 'session_null', status: 'no_credentials', credential: null }),
    ])

    // The same reason again, then another reason as a marker: once the marker is logged, the
    // repeat (handled before it, with no database work either) has been decided too.
    expect(await getSession(crossSiteWithoutCookie)).toBeNull()
    expect(await getSession({})).toBeNull()
    await waitForLine((line) => line.cause === 'no_session_cookie')
    expect(nullSessionLines().filter(isCrossSiteLine)).toHaveLength(1)
  })

  it('writes no cookie value or token', async () => {
    const client = running.service.client(FRONTEND)
    const signUp = await client.signUp(uniqueEmail('log'))
    expect(signUp.status).toBe(200)
    const bearer = signUp.headers.get('set-auth-token')!
    const [cookieName, cookieValue] = [...client.cookies].find(([name]) => name.includes('session_token'))!
    const token = decodeURIComponent(cookieValue).split('.')[0]!
    expect(
      (await client.request('/api/auth/sign-out', { method: 'POST', json: {} })).status,
      'sign-out ends the session, so its credentials now read null',
    ).toBe(200)

    expect(await getSession({ origin: FRONTEND, cookie: `${cookieName}=${cookieValue}` })).toBeNull()
    await waitForLine((line) => line.status === 'not_found' && line.credential === 'cookie')
    // A bad signature is a reason of its own.
    expect(await getSession({ authorization: `Bearer ${token}.${'A'.repeat(43)}` })).toBeNull()
    await waitForLine((line) => line.status === 'bad_signature' && line.credential === 'bearer')

    const written = output.join('\n')
    for (const secret of [cookieValue, decodeURIComponent(cookieValue), token, bearer]) {
      expect(written).not.toContain(secret)
    }
  })
})
