import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { ERRORS, errorResponse, handleError, handleNotFound, serviceError } from './errors.ts'

/** The rows of the table of docs/errors.md: code → status. */
function documentedErrorTable(): Map<string, number> {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
  const section = doc.split('\n## ')[0]!
  const rows = [...section.matchAll(/^\| `([A-Z_]+)`\s*\| (\d{3})\s*\|/gm)]
  return new Map(rows.map((row) => [row[1]!, Number(row[2])]))
}

describe('the error registry', () => {
  it('is exactly what docs/errors.md documents, with the same statuses', () => {
    const registry = new Map(Object.entries(ERRORS).map(([code, { status }]) => [code, status]))
    expect(documentedErrorTable()).toEqual(registry)
  })

  it('renders every code in BetterAuth shape with its status', async () => {
    for (const code of Object.keys(ERRORS) as (keyof typeof ERRORS)[]) {
      const response = errorResponse(code)
      expect(response.status).toBe(ERRORS[code].status)
      expect(await response.json()).toEqual({ code, message: ERRORS[code].message })
    }
  })

  it('keeps thrown service errors, hides anything else behind INTERNAL_ERROR, and answers unknown routes', async () => {
    const app = new Hono()
    app.onError(handleError)
    app.notFound(handleNotFound)
    app.get('/forbidden', () => {
      throw serviceError('FORBIDDEN', 'Not yours.', { userId: 'u1' })
    })
    app.get('/broken', () => {
      throw new Error('secret detail in params: abc')
    })
    const forbidden = await app.request('/forbidden')
    expect(forbidden.status).toBe(403)
    expect(await forbidden.json()).toEqual({ code: 'FORBIDDEN', message: 'Not yours.', userId: 'u1' })

    const errors: string[] = []
    const original = console.error
    console.error = (line: string) => errors.push(line)
    try {
      const broken = await app.request('/broken')
      expect(broken.status).toBe(500)
      expect(await broken.json()).toEqual({ code: 'INTERNAL_ERROR', message: ERRORS.INTERNAL_ERROR.message })
    } finally {
      console.error = original
    }
    expect(errors.join('\n')).not.toContain('abc')
    expect(JSON.parse(errors[0]!)).toMatchObject({ event: 'unhandled_error', method: 'GET', route: '/broken' })

    const missing = await app.request('/nowhere', { method: 'DELETE' })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ code: 'NOT_FOUND', message: 'No route for DELETE /nowhere' })
  })
})
