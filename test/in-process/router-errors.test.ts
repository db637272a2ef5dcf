/**
 * A database error inside a BetterAuth route: a JSON 500 in the house shape, and nothing secret in
 * any log line (Drizzle puts a query's parameters, a password hash among them, in its message).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { queryEndpoint } from '../support/backends.ts'
import { uniqueEmail, useService } from '../support/service.ts'

const running = useService('pglite', {}, { target: 'in-process' })

function captureConsole(): string[] {
  const lines: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '))
    })
  }
  return lines
}

afterEach(async () => {
  vi.restoreAllMocks()
  await queryEndpoint(running.service.endpoint, 'alter table account rename column password_gone to password').catch(
    () => undefined,
  )
})

describe('a database error inside a BetterAuth route', () => {
  it('answers JSON INTERNAL_ERROR and logs neither the email, the password nor its hash', async () => {
    await queryEndpoint(running.service.endpoint, 'alter table account rename column password to password_gone')
    const lines = captureConsole()
    const email = uniqueEmail('leak')
    const password = 'a password never logged'
    const response = await running.service.client().signUp(email, password)
    await running.service.settle()

    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String) })
    expect(lines.length).toBeGreaterThan(0)
    const log = lines.join('\n')
    expect(log).not.toContain(email)
    expect(log).not.toContain(password)
    // BetterAuth's scrypt hashes are `<32 hex salt>:<128 hex key>`.
    expect(log).not.toMatch(/[0-9a-f]{32}:[0-9a-f]{64,}/)
    expect(log).not.toContain('SERVER_ERROR')
  })
})
