/**
 * BetterAuth's `/api/auth/revoke-other-sessions`, in workerd, on every database backend: from one
 * of a user's three sessions, the other two end and the current one stays.
 */
import { describe, expect, it } from 'vitest'
import { backendNames } from '../support/backends.ts'
import { TestClient } from '../support/client.ts'
import { uniqueEmail, useService } from '../support/service.ts'

describe.each(backendNames)('revoke-other-sessions on %s', (backendName) => {
  const running = useService(backendName)
  const tab = () => new TestClient(running.service.worker.url)

  it('ends every other session of the user and keeps the current one', async () => {
    const email = uniqueEmail('revoke')
    const current = tab()
    expect((await current.signUp(email)).status).toBe(200)
    const others = [tab(), tab()]
    for (const other of others) expect((await other.signIn(email)).status).toBe(200)
    const bystander = tab()
    await bystander.signUp(uniqueEmail('bystander'))

    const sessionIds = await Promise.all([current, ...others].map(async (t) => (await t.session())?.session.id))
    expect(new Set(sessionIds).size).toBe(3)

    const response = await current.request('/api/auth/revoke-other-sessions', { json: {} })
    expect(response.status, await response.clone().text()).toBe(200)
    expect(await response.json()).toEqual({ status: true })

    for (const other of others) expect(await other.session()).toBeNull()
    expect((await current.session())?.session.id).toBe(sessionIds[0])
    const listed = await (await current.request('/api/auth/list-sessions')).json()
    expect(listed.map((s: { id: string }) => s.id)).toEqual([sessionIds[0]])
    expect(await bystander.session()).not.toBeNull()
  })
})
