/**
 * One guard for the service's protected routes. It accepts, in this order, a session cookie,
 * a bearer session token (`set-auth-token`), or a JWT (`set-auth-jwt` / `/api/auth/token`), and
 * puts the user and session on the context. 401 JSON when none is valid.
 */
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app.ts'
import { apiError } from '../errors.ts'
import type { Runtime } from '../runtime.ts'
import { bearerToken } from '../secrets/signing.ts'
import { publishedKeySet } from '../tokens/published-keys.ts'
import { AccessTokenError } from '../verify/errors.ts'
import { verifyWithKeySet } from '../verify/verify.ts'

export interface GuardUser {
  id: string
  email: string | null
  emailVerified: boolean | null
}

export type AuthMethod = 'cookie' | 'bearer' | 'jwt'
export type GuardVariables = AppEnv['Variables'] & { user: GuardUser; sessionId: string | null; authMethod: AuthMethod }
export type GuardEnv = { Bindings: AppEnv['Bindings']; Variables: GuardVariables }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Cookies ride along on cross-site requests; a state change by cookie must come from a trusted origin. */
function refuseUntrustedOrigin(runtime: Runtime, request: Request): void {
  const origin = request.headers.get('origin')
  if (origin && origin !== runtime.config.baseURL && !runtime.config.isTrustedOrigin(origin)) {
    throw apiError(403, 'UNTRUSTED_ORIGIN', 'This origin may not change state with the session cookie.')
  }
}
const keySets = new WeakMap<Runtime, ReturnType<typeof publishedKeySet>>()

function isJwt(token: string): boolean {
  return token.split('.').length === 3
}

async function sessionFrom(runtime: Runtime, headers: Headers) {
  return runtime.auth.api.getSession({ headers, returnHeaders: true })
}

/**
 * @example
 * app.get('/api/me', requireUser, (c) => c.json(c.var.user))
 */
export const requireUser = createMiddleware<GuardEnv>(async function guard(c, next) {
  const runtime = c.var.runtime
  const { request } = await runtime.upgradeCredentials(c.req.raw)
  const cookieName = (await runtime.sessionCookies).session.name
  const bearer = bearerToken(request.headers)

  const attempts: { method: AuthMethod; headers: Headers }[] = []
  const cookie = request.headers.get('cookie')
  if (cookie?.includes(`${cookieName}=`)) attempts.push({ method: 'cookie', headers: new Headers({ cookie }) })
  if (bearer && !isJwt(bearer))
    attempts.push({ method: 'bearer', headers: new Headers({ authorization: `Bearer ${bearer}` }) })

  for (const attempt of attempts) {
    const { response: found, headers } = await sessionFrom(runtime, attempt.headers)
    if (!found) continue
    const { user, session } = found
    if (attempt.method === 'cookie' && !SAFE_METHODS.has(c.req.method)) refuseUntrustedOrigin(runtime, request)
    c.set('user', { id: user.id, email: user.email, emailVerified: user.emailVerified })
    c.set('sessionId', session.id)
    c.set('authMethod', attempt.method)
    await next()
    for (const line of headers.getSetCookie()) c.res.headers.append('set-cookie', line)
    return
  }

  if (bearer && isJwt(bearer)) {
    let keySet = keySets.get(runtime)
    if (!keySet) {
      keySet = publishedKeySet(runtime.auth)
      keySets.set(runtime, keySet)
    }
    try {
      const claims = await verifyWithKeySet(bearer, keySet, {
        issuer: runtime.config.jwt.issuer,
        audience: runtime.config.jwt.audience,
      })
      c.set('user', { id: claims.sub, email: claims.email ?? null, emailVerified: claims.email_verified ?? null })
      c.set('sessionId', claims.sid ?? null)
      c.set('authMethod', 'jwt')
      return next()
    } catch (error) {
      const code = error instanceof AccessTokenError ? error.code : 'TOKEN_MALFORMED'
      throw apiError(401, 'UNAUTHORIZED', 'The access token was refused.', { reason: code })
    }
  }
  throw apiError(401, 'UNAUTHORIZED', 'Sign in first: send the session cookie, a bearer session token or a JWT.')
})

/**
 * For routes with a user id in the path: the id must be the caller's own (403 otherwise).
 *
 * @example
 * app.get('/api/users/:userId/sessions', requireUser, requireOwnUserId(), handler)
 */
export function requireOwnUserId(param = 'userId') {
  return createMiddleware<GuardEnv>(async function ownUserId(c, next) {
    if (c.req.param(param) !== c.var.user.id) {
      throw apiError(403, 'FORBIDDEN', `The ${param} in the path is not the signed-in user's.`)
    }
    await next()
  })
}
