import { afterEach, describe, expect, it, vi } from 'vitest'
import { betterAuthLogger, logEvent, redact } from './logging.ts'

describe('redact', () => {
  it("drops Drizzle's params section, where session tokens travel", () => {
    const message =
      'Failed query: select "id" from "session" where "token" = $1\nparams: Zx8cN2mQ4rT7wY1aB3dF5gH6jK9lP0sV'
    expect(redact(message)).toBe('Failed query: select "id" from "session" where "token" = $1')
  })

  it('masks token-shaped runs, keeping only their length', () => {
    expect(redact('bad cookie iudgQvxj5sGiRccpdQjK0lJDExWf87yj.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toBe(
      'bad cookie [redacted 77 chars]',
    )
  })

  it('keeps snake_case codes of any length, and masks a token that merely has underscores', () => {
    expect(redact('cause cross_site_cookie_not_sent')).toBe('cause cross_site_cookie_not_sent')
    expect(redact('id abc_def_ghi_jkl_mno_pqr_9')).toBe('id [redacted 25 chars]')
    expect(redact('id ABC_def_ghi_jkl_mno_pqr_stu')).toBe('id [redacted 27 chars]')
  })

  it('keeps ordinary messages and bounds their length', () => {
    expect(redact('connection refused')).toBe('connection refused')
    expect(redact('x '.repeat(400)).length).toBeLessThanOrEqual(300)
  })
})

describe('logEvent', () => {
  afterEach(() => vi.restoreAllMocks())

  it('writes one JSON line with errors described, not dumped', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const secret = 'Zx8cN2mQ4rT7wY1aB3dF5gH6jK9lP0sV'
    logEvent('error', 'unhandled_error', { path: '/x', error: new Error(`query failed\nparams: ${secret}`) })
    const line = JSON.parse(error.mock.calls[0]![0] as string)
    expect(line).toEqual({ level: 'error', event: 'unhandled_error', path: '/x', error: 'Error: query failed' })
  })

  it("routes BetterAuth's logger through the redactor", () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    betterAuthLogger.log(
      'error',
      'SERVER_ERROR',
      new Error('Failed query: select 1\nparams: Zx8cN2mQ4rT7wY1aB3dF5gH6jK9lP0sV'),
    )
    expect(error.mock.calls[0]![0]).not.toContain('Zx8cN2mQ')
  })
})
