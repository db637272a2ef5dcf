/**
 * One guard for the service's protected routes. It accepts, in this order, a session cookie,
 * a bearer session token (`set-auth-token`), or a JWT (`set-auth-jwt` / `/api/auth/token`) whose
 * session is still live, and puts the user and session on the context. 401 JSON when none is valid.
 */
import { and, eq, gt } from 'drizzle-orm'
import { createMiddleware } from 'hono/factory'
import { session } from '../../db/schema.ts'
import type { AppEnv, ServiceContext } from '../context.ts'
import type { Database } from '../database/index.ts'
import { serviceError } from '../errors.ts'
import { HEADERS } from '../http/headers.ts'
import { AccessTokenError } from '../verify/errors.ts'
import { type AccessTokenClaims, verifyWithKeySet } from '../verify/verify.ts'

export interface GuardUser {
  id: string
  email: string | null
  emailVerified: boolean | null
}

export type AuthMethod = 'cookie' | 'bearer' | 'jwt'
export type GuardVariables = AppEnv['Variables'] & {
  user: GuardUser
  sessionId: string | null
  authMethod: AuthMethod
}
export type GuardEnv = { Bindings: AppEnv['Bindings']; Variables: GuardVariables }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function isFromTrustedPage(service: ServiceContext, headers: Headers): boolean {
  const origin = headers.get(HEADERS.origin)
  if (origin && origin !== 'null') return service.config.isOwnOrTrustedOrigin(origin)
  const referer = headers.get(HEADERS.referer)
  if (!referer) return false
  try {
    return service.config.isOwnOrTrustedOrigin(new URL(referer).origin)
  } catch {
    return false
  }
}

async function isLiveSession(db: Database, sessionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: session.id })
    .from(session)
    .where(and(eq(session.id, sessionId), gt(session.expiresAt, new Date())))
    .limit(1)
  return row !== undefined
}

/** Runs after the credential upgrade (app.ts), so credentials from older secrets are already re-signed. */
export function requireUser() {
  return guard
}

const guard = createMiddleware<GuardEnv>(async function guard(c, next) {
  const { service, credentials } = c.var
  const headers = c.req.raw.headers
  const { bearer } = credentials

  const attempts: { method: AuthMethod; headers: Headers }[] = []
  const cookie = headers.get(HEADERS.cookie)
  if (cookie && credentials.cookie) attempts.push({ method: 'cookie', headers: new Headers({ cookie }) })
  if (bearer?.kind === 'bearer') {
    attempts.push({ method: 'bearer', headers: new Headers({ authorization: `Bearer ${bearer.value}` }) })
  }

  for (const attempt of attempts) {
    const { response: found, headers: sessionHeaders } = await service.auth.api.getSession({
      headers: attempt.headers,
      returnHeaders: true,
    })
    if (!found) continue
    // Cookies ride along on cross-site requests: a state change by cookie must show it comes from
    // the service or a trusted frontend, by Origin or else Referer (as BetterAuth's own routes ask).
    if (attempt.method === 'cookie' && !SAFE_METHODS.has(c.req.method) && !isFromTrustedPage(service, headers)) {
      throw serviceError('UNTRUSTED_ORIGIN')
    }
    c.set('user', { id: found.user.id, email: found.user.email, emailVerified: found.user.emailVerified })
    c.set('sessionId', found.session.id)
    c.set('authMethod', attempt.method)
    await next()
    for (const line of sessionHeaders.getSetCookie()) c.res.headers.append(HEADERS.setCookie, line)
    return
  }

  if (bearer?.kind === 'jwt') {
    const { issuer, audience } = service.config.jwt
    let claims: AccessTokenClaims
    try {
      claims = await verifyWithKeySet(bearer.value, service.publishedKeys, { issuer, audience })
    } catch (error) {
      const reason = error instanceof AccessTokenError ? error.code : 'TOKEN_MALFORMED'
      if (reason === 'JWKS_UNAVAILABLE') throw serviceError('DATABASE_UNAVAILABLE')
      throw serviceError('UNAUTHORIZED', 'The access token was refused.', { reason })
    }
    // A JWT outlives its session by up to JWT_TTL; these routes manage sessions, so its own must be live.
    if (!claims.sid || !(await isLiveSession(service.database.db, claims.sid))) {
      throw serviceError('UNAUTHORIZED', 'The access token belongs to a session that has ended.', {
        reason: 'SESSION_ENDED',
      })
    }
    c.set('user', { id: claims.sub, email: claims.email ?? null, emailVerified: claims.email_verified ?? null })
    c.set('sessionId', claims.sid)
    c.set('authMethod', 'jwt')
    return next()
  }
  throw serviceError('UNAUTHORIZED')
})

/** For routes with a user id in the path: the id must be the caller's own (403 otherwise). */
export function requireOwnUserId(param = 'userId') {
  return createMiddleware<GuardEnv>(async function ownUserId(c, next) {
    if (c.req.param(param) !== c.var.user.id) {
      throw serviceError('FORBIDDEN', `The ${param} in the path is not the signed-in user's.`)
    }
    await next()
  })
}
