/**
 * No secret in any log, on the error paths too: on every deployed target and database, sign-up,
 * sign-in and get-session are run with the database failing under them (local-neon faults), and
 * every line the service wrote (captured by the harness: log-capture.ts) is checked for the
 * passwords, session tokens, cookie values, JWTs, password hashes and secrets of this file.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { embeddedBackendNames } from '../support/backends.ts'
import { capturedLineCount, findLeaks } from '../support/log-capture.ts'
import { backendsAndTargets, deployedTargets, uniqueEmail, useService } from '../support/service.ts'

const PASSWORD = 'log capture password 1'

// The database cannot change what these check: PGlite alone.
const onPglite = backendsAndTargets(deployedTargets, embeddedBackendNames)

describe.each(onPglite)('no secret in the logs on %s, %s', (backendName, target) => {
  const running = useService(backendName, {}, { target })
  afterEach(() => running.service.endpoint.faults.clear())

  it('writes nothing secret when sign-up, sign-in and get-session fail in the database', async () => {
    const { service } = running
    const before = capturedLineCount(target)
    const tab = service.client()
    const email = uniqueEmail('logs')
    expect((await tab.signUp(email, PASSWORD)).status).toBe(200)
    expect((await tab.request('/api/auth/token')).status).toBe(200)

    const failures = [
      {
        path: 'sign-up',
        match: 'insert into "account"',
        run: () => service.client().signUp(uniqueEmail('logs'), PASSWORD),
      },
      { path: 'sign-in', match: 'insert into "session"', run: () => service.client().signIn(email, PASSWORD) },
      // Past the session cache cookie, which would answer without the database.
      {
        path: 'get-session',
        match: 'from "session"',
        run: () => tab.request('/api/auth/get-session?disableCookieCache=true'),
      },
    ]
    for (const failure of failures) {
      const remove = service.endpoint.faults.inject({ match: failure.match, action: { kind: 'error' } })
      const response = await failure.run()
      remove()
      expect(response.status, failure.path).toBeGreaterThanOrEqual(400)
    }
    // The session still works once the database does.
    expect((await tab.session())?.user.email).toBe(email)
    // Output arrives asynchronously (workerd, child processes): a last request, then a pause.
    await service.request('/health')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(capturedLineCount(target)).toBeGreaterThan(before)
    expect(findLeaks()).toEqual([])
  })
})

const workerdOnPglite = backendsAndTargets(['workerd'] as const, embeddedBackendNames)

describe.each(workerdOnPglite)('the Cron Trigger prune on %s, %s', (backendName, target) => {
  const running = useService(backendName, { AUTH_EVENT_RETENTION_DAYS: '30' }, { target })

  it('deletes the events older than AUTH_EVENT_RETENTION_DAYS when workerd runs the scheduled handler', async () => {
    const { service } = running
    const { queryEndpoint } = await import('../support/backends.ts')
    await service.client().signUp(uniqueEmail('cron'))
    await queryEndpoint(
      service.endpoint,
      `insert into auth_event (id, type, outcome, created_at) values ('cron-old', 'sign_in', 'failed', now() - interval '31 days'), ('cron-new', 'sign_in', 'failed', now() - interval '29 days')`,
    )
    const triggered = await fetch(`${service.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('17 3 * * *')}`)
    expect(triggered.status).toBe(200)
    let ids: string[] = []
    for (let attempt = 0; attempt < 50; attempt++) {
      ids = (await queryEndpoint(service.endpoint, `select id from auth_event where id like 'cron-%'`)).map(
        (r) => r[0]!,
      )
      if (!ids.includes('cron-old')) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(ids).toEqual(['cron-new'])
    // The sign-up's own event is recent and stays.
    expect(
      await queryEndpoint(service.endpoint, `select count(*)::text from auth_event where type = 'sign_up'`),
    ).toEqual([['1']])
  })
})
