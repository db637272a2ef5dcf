/**
 * Reading BetterAuth's session cache cookie as its get-session does on a cache hit, without its
 * router: the session cookie's signature (better-call's signed cookie), the cache cookie's compact
 * HMAC, BetterAuth's own payload schemas (the same zod schemas and date reviving, so the same
 * answer and the same refusals), the token match, the cookie cache version and both expiries.
 * Anything else (no cache cookie, a chunked or repeated one, a bad signature, an expired or
 * mismatched cache) is `null`: get-session then goes to BetterAuth, which clears or renews the
 * cookie as it always does.
 */
import { sessionSchema, userSchema } from '@better-auth/core/db'
import * as z from 'zod'
import type { RequestCredentials } from '../credentials/request-credential.ts'
import { decodeBase64 } from '../crypto/base64.ts'
import { hmacVerify } from '../crypto/hmac.ts'
import { decodeCookieValue } from '../http/cookies.ts'

/** A session and its user as the cache holds them (dates revived), BetterAuth's `ctx.context.session`. */
export interface CachedSession {
  readonly session: z.infer<typeof sessionSchema> & Record<string, unknown>
  readonly user: z.infer<typeof userSchema> & Record<string, unknown>
}

/** The cache cookie's name and secret of one BetterAuth instance (`context.authCookies`, `context.secret`). */
export interface CacheCookieSettings {
  readonly cacheCookieName: string
  readonly secret: string
}

/** Reads the cache beside the request's session cookie (its one reading, credentials/request-credential.ts). */
export type CacheCookieReader = (
  credentials: Pick<RequestCredentials, 'cookies' | 'cookie'>,
  now: number,
) => Promise<CachedSession | null>

// BetterAuth's cookieCachePayloadSchema and compactCookieCacheSchema (better-auth/dist/cookies/cache).
const payloadSchema = z.looseObject({
  session: sessionSchema.loose(),
  user: userSchema.loose(),
  updatedAt: z.number(),
  version: z.string().optional(),
})
const compactSchema = z.object({
  session: z.record(z.string(), z.unknown()),
  expiresAt: z.number(),
  signature: z.string(),
})

/** BetterAuth's cookie cache version when `cookieCache.version` is unset. */
const CACHE_VERSION = '1'

// BetterAuth's safeJSONParse reviver (@better-auth/core/utils/json), without its error log: a
// parse error's message can quote the cookie, and the cookie carries the session token.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/
function parseWithDates(text: string): unknown {
  try {
    return JSON.parse(text, (_key, value) => {
      if (typeof value !== 'string' || !ISO_8601.test(value)) return value
      const date = new Date(value)
      return Number.isNaN(date.getTime()) ? value : date
    })
  } catch {
    return null
  }
}

/**
 * @example
 * const read = createCacheCookieReader({ cacheCookieName, secret })
 * const cached = await read(c.var.credentials, Date.now()) // CachedSession | null
 */
export function createCacheCookieReader(settings: CacheCookieSettings): CacheCookieReader {
  const decoder = new TextDecoder()

  return async function readCacheCookie(credentials, now) {
    const cached = credentials.cookies.get(settings.cacheCookieName)
    const sessionCookie = credentials.cookie
    // A chunked cache (`name.0`, …; BetterAuth chunks past 4 KB) is left to BetterAuth.
    if (!cached || !sessionCookie) return null

    const bytes = decodeBase64(decodeCookieValue(cached), 'base64url')
    if (!bytes) return null
    const compact = compactSchema.safeParse(parseWithDates(decoder.decode(bytes)))
    if (!compact.success) return null
    const { session: signedData, expiresAt, signature } = compact.data
    const mac = decodeBase64(signature, 'base64url')
    if (!mac || !(await hmacVerify(settings.secret, mac, JSON.stringify({ ...signedData, expiresAt })))) return null
    // Dates were revived by the parse above, as in BetterAuth.
    const payload = payloadSchema.safeParse(signedData)
    if (!payload.success) return null

    // Signed with the current secret, as BetterAuth reads it (an older one is re-signed first: credentials/upgrade.ts).
    const verified = await sessionCookie.verified()
    const token = verified?.secretIndex === 0 ? verified.token : undefined
    const { session, user, version } = payload.data
    if (!token || session.token !== token || (version ?? CACHE_VERSION) !== CACHE_VERSION) return null
    const sessionExpiresAt = new Date(session.expiresAt).getTime()
    if (expiresAt < now || !Number.isFinite(sessionExpiresAt) || sessionExpiresAt < now) return null
    return { session, user } as CachedSession
  }
}
