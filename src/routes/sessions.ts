/**
 * The user's own sessions, behind the guard (app.ts puts it on every /api/users/:userId/* route):
 *   GET    /api/users/:userId/sessions             the caller's active sessions (never tokens)
 *   DELETE /api/users/:userId/sessions/:sessionId  revoke one (another user's id is a 404)
 *   DELETE /api/users/:userId/sessions             revoke all but the current one
 */
import { and, desc, eq, gt, ne } from 'drizzle-orm'
import { Hono } from 'hono/tiny'
import { session } from '../../db/schema.ts'
import { serviceError } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'
import type { GuardEnv } from '../middleware/guard.ts'
import { recordForRequest } from '../plugins/auth-events.ts'

export function sessionsRoutes() {
  const routes = new Hono<GuardEnv>()
  routes.get('/api/users/:userId/sessions', async function listSessions(c) {
    const rows = await c.var.service.database.db
      .select({
        id: session.id,
        createdAt: session.createdAt,
        expiresAt: session.expiresAt,
        ipAddress: session.ipAddress,
        userAgent: session.userAgent,
      })
      .from(session)
      .where(and(eq(session.userId, c.var.user.id), gt(session.expiresAt, new Date())))
      .orderBy(desc(session.createdAt))
    c.header(HEADERS.cacheControl, 'no-store')
    return c.json({
      sessions: rows.map((row) => ({
        id: row.id,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        ipAddress: row.ipAddress,
        userAgent: row.userAgent,
        current: row.id === c.var.sessionId,
      })),
    })
  })

  routes.delete('/api/users/:userId/sessions/:sessionId', async function revokeSession(c) {
    const revoked = await c.var.service.database.db
      .delete(session)
      .where(and(eq(session.id, c.req.param('sessionId')), eq(session.userId, c.var.user.id)))
      .returning({ id: session.id })
    // Another user's session id looks exactly like one that does not exist.
    if (revoked.length === 0) throw serviceError('SESSION_NOT_FOUND')
    recordForRequest(c.var.service, c.req.raw, { type: 'session_revoked', outcome: 'ok', userId: c.var.user.id })
    // This device's own session: its cookie and session cache go with it, as BetterAuth's revoke does.
    if (revoked[0]!.id === c.var.sessionId && c.var.authMethod === 'cookie') {
      for (const line of await c.var.service.expiredSessionCookies) c.header(HEADERS.setCookie, line, { append: true })
    }
    return c.json({ revoked: 1 })
  })

  routes.delete('/api/users/:userId/sessions', async function revokeOtherSessions(c) {
    const current = c.var.sessionId
    const condition = current
      ? and(eq(session.userId, c.var.user.id), ne(session.id, current))
      : eq(session.userId, c.var.user.id)
    const revoked = await c.var.service.database.db.delete(session).where(condition).returning({ id: session.id })
    for (const _ of revoked)
      recordForRequest(c.var.service, c.req.raw, { type: 'session_revoked', outcome: 'ok', userId: c.var.user.id })
    return c.json({ revoked: revoked.length })
  })

  return routes
}
