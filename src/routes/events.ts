/**
 * `GET /api/users/:userId/events?limit=20&before=<cursor>`: the caller's own auth events, newest
 * first, behind the guard (app.ts puts it on every `/api/users/:userId/*` route: another user's id
 * is a 403, as for sessions). `nextCursor` is null on the last page. Events without a user (failed
 * sign-ins for unknown emails) belong to nobody and are never listed.
 */
import { Hono } from 'hono/tiny'
import { serviceError } from '../errors.ts'
import type { EventCursor } from '../event-log.ts'
import { HEADERS } from '../http/headers.ts'
import type { GuardEnv } from '../middleware/guard.ts'

export const EVENTS_DEFAULT_LIMIT = 20
export const EVENTS_MAX_LIMIT = 100
const CURSOR = /^(\d{1,15})\.([0-9a-f-]{36})$/

function encodeCursor(cursor: EventCursor): string {
  return `${cursor.createdAt.getTime()}.${cursor.id}`
}

function decodeCursor(text: string): EventCursor | undefined {
  const match = CURSOR.exec(text)
  return match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : undefined
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return EVENTS_DEFAULT_LIMIT
  const limit = Number(text)
  return Number.isInteger(limit) && limit >= 1 && limit <= EVENTS_MAX_LIMIT ? limit : undefined
}

export function eventsRoutes() {
  const routes = new Hono<GuardEnv>()
  routes.get('/api/users/:userId/events', async function listEvents(c) {
    const limit = parseLimit(c.req.query('limit'))
    const beforeText = c.req.query('before')
    const before = beforeText === undefined ? undefined : decodeCursor(beforeText)
    if (limit === undefined || (beforeText !== undefined && before === undefined))
      throw serviceError('INVALID_PAGINATION')
    // One row more than asked tells whether there is a next page.
    const rows = await c.var.service.authEvents.list(c.var.user.id, { limit: limit + 1, before })
    const page = rows.slice(0, limit)
    c.header(HEADERS.cacheControl, 'no-store')
    return c.json({
      events: page.map((row) => ({
        id: row.id,
        type: row.type,
        outcome: row.outcome,
        createdAt: row.createdAt.toISOString(),
        addressHash: row.addressHash,
        userAgent: row.userAgent,
      })),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
    })
  })
  return routes
}
