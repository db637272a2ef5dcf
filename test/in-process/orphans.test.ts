/**
 * A user an older version left without an account (a `user` row, no `account` row) gives its email
 * back on the next sign-up, in-process on every database backend: the sign-up is a normal one
 * (one user, one account, a session, sign-in works), the leftover and what hangs off it are gone,
 * the repair is logged without the email, and it costs one round trip on that sign-up only. A user
 * with an account, a verified user without one (sign-in by emailed code) and a leftover younger
 * than ORPHAN_MIN_AGE_MS are never touched. With verification required, the answer is the one a
 * new address gets.
 */
import { randomBytes } from 'node:crypto'
import { neon } from '@neondatabase/serverless'
import { drizzle } from 'drizzle-orm/neon-http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as schema from '../../db/schema.ts'
import { deleteIfOrphan, emailFingerprint } from '../../src/plugins/orphans.ts'
import { backendNames, queryEndpoint, WORKER_DATABASE_URL } from '../support/backends.ts'
import { useMailService } from '../support/mail-service.ts'
import { answerRoundTrips } from '../support/round-trips.ts'
import { TEST_SECRET, type TestService, uniqueEmail, useService } from '../support/service.ts'

vi.setConfig({ testTimeout: 60_000 })

const PASSWORD = 'correct horse battery'

/** Tools on the service's local endpoint: rows of an email, and a leftover written as an older version did. */
function database(service: () => TestService<'in-process'>) {
  const query = (sql: string, params: unknown[]) => queryEndpoint(service().endpoint, sql, params)
  const count = async (sql: string, email: string) => Number((await query(sql, [email]))[0]![0])
  return {
    query,
    rows: async (email: string) => [
      await count('select count(*) from "user" where email = $1', email),
      await count('select count(*) from account a join "user" u on u.id = a.user_id where u.email = $1', email),
      await count('select count(*) from session s join "user" u on u.id = s.user_id where u.email = $1', email),
    ],
    userIds: async (email: string) => (await query('select id from "user" where email = $1', [email])).map((r) => r[0]),
    /** A user row alone, `age` ago (an interval), as a sign-up that failed before its account insert left it. */
    async insertUser(email: string, age: string, verified = false): Promise<string> {
      const id = `old-${randomBytes(8).toString('hex')}`
      await query(
        `insert into "user" (id, name, email, email_verified, created_at, updated_at)
         values ($1, 'Old', $2, $3, now() - $4::interval, now() - $4::interval)`,
        [id, email, verified, age],
      )
      return id
    },
  }
}

function repairLines(lines: string[]) {
  return lines.filter((line) => line.includes('"orphan_user_repaired"'))
}

describe.each(backendNames)('a user left without an account, on %s', (backendName) => {
  const running = useService(backendName, {}, { target: 'in-process' })
  const db = database(() => running.service)
  const warnings: string[] = []
  afterEach(() => {
    vi.restoreAllMocks()
    warnings.length = 0
  })
  const captureWarnings = () =>
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(String(line)))

  it('is replaced by a normal sign-up: one user, one account, a session; sign-in works', async () => {
    const email = uniqueEmail('orphan')
    const orphan = await db.insertUser(email, '1 day')
    // What could hang off it: a session, and a pending password reset naming its id.
    await db.query(
      `insert into session (id, token, user_id, expires_at) values ($1, $2, $3, now() + interval '1 day')`,
      [`s-${orphan}`, `t-${orphan}`, orphan],
    )
    await db.query(
      `insert into verification (id, identifier, value, expires_at) values ($1, $2, $3, now() + interval '1 hour')`,
      [`v-${orphan}`, `reset-password:${orphan}`, orphan],
    )
    expect(await db.rows(email)).toEqual([1, 0, 1])
    // Before the repair this was the bricked state: sign-in is refused.
    expect((await running.service.client().signIn(email)).status).toBe(401)

    captureWarnings()
    const tab = running.service.client()
    let signUp: Response | undefined
    // The existence check, the repair (one batch), then user + account + session (one batch).
    expect(
      await answerRoundTrips(running.service, async () => {
        signUp = await tab.signUp(email)
      }),
    ).toEqual({ trips: 3, batches: 2 })
    expect(signUp!.status).toBe(200)
    const body = await signUp!.json()
    expect(body.token).toEqual(expect.any(String))
    expect(body.user).toMatchObject({ email, emailVerified: false })
    expect(body.user.id).not.toBe(orphan)
    expect(await db.userIds(email)).toEqual([body.user.id])
    expect(await db.rows(email)).toEqual([1, 1, 1])
    expect(await db.query('select count(*) from session where user_id = $1', [orphan])).toEqual([['0']])
    expect(await db.query('select count(*) from verification where value = $1', [orphan])).toEqual([['0']])
    expect((await tab.session())?.user.email).toBe(email)
    const again = running.service.client()
    expect((await again.signIn(email)).status).toBe(200)
    expect((await again.session())?.user.id).toBe(body.user.id)

    const logged = repairLines(warnings)
    expect(logged).toHaveLength(1)
    expect(JSON.parse(logged[0]!)).toEqual({
      level: 'warn',
      event: 'orphan_user_repaired',
      email: await emailFingerprint(TEST_SECRET, email),
      ageSeconds: expect.any(Number),
    })
    expect(JSON.parse(logged[0]!).ageSeconds).toBeGreaterThanOrEqual(86_400)
    expect(logged[0]).not.toContain(email)
    expect(logged[0]).not.toContain(email.split('@')[0])
  })

  it('never touches a user with an account, however old', async () => {
    const email = uniqueEmail('owner')
    const owner = running.service.client()
    expect((await owner.signUp(email)).status).toBe(200)
    const [id] = await db.userIds(email)
    await db.query(`update "user" set created_at = now() - interval '1 year' where id = $1`, [id])

    captureWarnings()
    const again = await running.service.client().signUp(email, 'another password 2', 'Mallory')
    expect(again.status).toBe(422)
    expect(await again.json()).toMatchObject({ code: 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL' })
    expect(await db.userIds(email)).toEqual([id])
    expect(await db.rows(email)).toEqual([1, 1, 1])
    expect((await owner.session())?.user.id).toBe(id)
    expect((await running.service.client().signIn(email)).status).toBe(200)
    expect(repairLines(warnings)).toEqual([])
  })

  it('never touches a verified user without an account (sign-in by emailed code creates those)', async () => {
    const email = uniqueEmail('coded')
    const id = await db.insertUser(email, '1 day', true)
    const again = await running.service.client().signUp(email)
    expect(again.status).toBe(422)
    expect(await db.userIds(email)).toEqual([id])
  })

  it('leaves a leftover younger than five minutes alone (an older version may still be writing its account)', async () => {
    const email = uniqueEmail('young')
    const id = await db.insertUser(email, '1 minute')
    const again = await running.service.client().signUp(email)
    expect(again.status).toBe(422)
    expect(await db.userIds(email)).toEqual([id])

    await db.query(`update "user" set created_at = now() - interval '6 minutes' where id = $1`, [id])
    expect((await running.service.client().signUp(email)).status).toBe(200)
    expect(await db.rows(email)).toEqual([1, 1, 1])
  })

  it('conditions the delete in the database, not on what the sign-up read', async () => {
    // The driver goes to the running service's local endpoint (neonConfig.fetchEndpoint is process-wide).
    const direct = drizzle({ client: neon(WORKER_DATABASE_URL), schema })
    const now = new Date()
    const withAccount = await db.insertUser(uniqueEmail('raced'), '1 day')
    // An account that appeared after the sign-up's read (a password reset, say).
    await db.query(`insert into account (id, account_id, provider_id, user_id) values ($1, $2, 'credential', $2)`, [
      `a-${withAccount}`,
      withAccount,
    ])
    const verified = await db.insertUser(uniqueEmail('verified'), '1 day', true)
    const young = await db.insertUser(uniqueEmail('young'), '1 minute')
    for (const id of [withAccount, verified, young]) {
      expect(await deleteIfOrphan(direct, id, now)).toBe(false)
      expect(await db.query('select count(*) from "user" where id = $1', [id])).toEqual([['1']])
    }
    const orphan = await db.insertUser(uniqueEmail('orphan'), '1 day')
    expect(await deleteIfOrphan(direct, orphan, now)).toBe(true)
    expect(await deleteIfOrphan(direct, orphan, now)).toBe(false)
  })

  it('repairs once when two sign-ups for the leftover race: one succeeds, nothing is left half-written', async () => {
    const email = uniqueEmail('race')
    await db.insertUser(email, '1 day')
    const answers = await Promise.all([
      running.service.client().signUp(email),
      running.service.client().signUp(email, 'another password 2'),
    ])
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(1)
    // The other saw the new user (422, as for any taken email) or lost the insert race (409).
    const [other] = answers.filter((answer) => answer.status !== 200)
    expect(['USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', 'WRITE_CONFLICT']).toContain((await other!.json()).code)
    expect(await db.rows(email)).toEqual([1, 1, 1])
  })
})

describe.each(backendNames)('a leftover with verification required, on %s', (backendName) => {
  const running = useMailService(backendName, {}, { target: 'in-process' })

  it('answers the sign-up exactly like a new address and mails a verification link, not the notice', async () => {
    const { service, inbox } = running
    const email = uniqueEmail('orphan')
    const orphan = await database(() => service).insertUser(email, '1 day')

    const repaired = await service.client().signUp(email, PASSWORD, 'Ada')
    const fresh = await service.client().signUp(uniqueEmail('fresh'), PASSWORD, 'Ada')
    expect(repaired.status).toBe(fresh.status)
    const [repairedBody, freshBody] = [await repaired.json(), await fresh.json()]
    expect(Object.keys(repairedBody).sort()).toEqual(Object.keys(freshBody).sort())
    expect(Object.keys(repairedBody.user).sort()).toEqual(Object.keys(freshBody.user).sort())
    expect(repairedBody).toMatchObject({ token: null, user: { email, emailVerified: false, name: 'Ada' } })
    expect(repairedBody.user.id).not.toBe(orphan)
    expect([...repaired.headers.keys()].sort()).toEqual([...fresh.headers.keys()].sort())

    const mail = await inbox.next(email)
    expect(mail.subject).toBe('Confirm your email for Docs')
    expect(await database(() => service).rows(email)).toEqual([1, 1, 0])
  })
})
