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
import { fromBase64 } from '../credentials/signed-token.ts'
import { decodeCookieValue } from '../http/cookies.ts'

/** A session and its user as the cache holds them (dates revived), BetterAuth's `ctx.context.session`. */
export interface CachedSession {
  readonly session: z.infer<typeof sessionSchema> & Record<string, unknown>
  readonly user: z.infer<typeof userSchema> & Record<string, unknown>
}

/** The cookie names and secret of one BetterAuth instance (`context.authCookies`, `context.secret`). */
export interface CacheCookieSettings {
  readonly sessionCookieName: string
  readonly cacheCookieName: string
  readonly secret: string
}

export type CacheCookieReader = (cookieHeader: string, now: number) => Promise<CachedSession | null>

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

const SIGNED_COOKIE_SIGNATURE_LENGTH = 44
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
 * The `Cookie` header as better-call reads it for BetterAuth's `ctx.getCookie`: the first of a
 * repeated name wins, surrounding quotes go, values are URI-decoded when they can be. (Its own
 * export would bring better-call's OpenAPI generator into the bundle.)
 */
function parseCookies(header: string): Map<string, string> {
  const cookies = new Map<string, string>()
  let index = 0
  while (index < header.length) {
    const eq = header.indexOf('=', index)
    if (eq === -1) break
    let end = header.indexOf(';', index)
    if (end === -1) end = header.length
    else if (end < eq) {
      index = header.lastIndexOf(';', eq - 1) + 1
      continue
    }
    const name = header.slice(index, eq).trim()
    if (!cookies.has(name)) {
      let value = header.slice(eq + 1, end).trim()
      if (value.codePointAt(0) === 34) value = value.slice(1, -1)
      cookies.set(name, decodeCookieValue(value))
    }
    index = end + 1
  }
  return cookies
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> | null {
  return fromBase64(text.replace(/-/g, '+').replace(/_/g, '/'))
}

/**
 * @example
 * const read = createCacheCookieReader({ sessionCookieName, cacheCookieName, secret })
 * const cached = await read(request.headers.get('cookie') ?? '', Date.now()) // CachedSession | null
 */
export function createCacheCookieReader(settings: CacheCookieSettings): CacheCookieReader {
  const encoder = new TextEncoder()
  const decoder = new TextDecoder()
  const key = crypto.subtle.importKey(
    'raw',
    encoder.encode(settings.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  const verify = async (signature: Uint8Array<ArrayBuffer>, data: string) =>
    crypto.subtle.verify('HMAC', await key, signature, encoder.encode(data))

  async function signedSessionToken(value: string): Promise<string | null> {
    const dot = value.lastIndexOf('.')
    if (dot < 1) return null
    const token = value.slice(0, dot)
    const signature = value.slice(dot + 1)
    if (signature.length !== SIGNED_COOKIE_SIGNATURE_LENGTH || !signature.endsWith('=')) return null
    const mac = fromBase64(signature)
    return mac && (await verify(mac, token)) ? token : null
  }

  return async function readCacheCookie(cookieHeader, now) {
    const cookies = parseCookies(cookieHeader)
    const cached = cookies.get(settings.cacheCookieName)
    const signedToken = cookies.get(settings.sessionCookieName)
    // A chunked cache (`name.0`, …; BetterAuth chunks past 4 KB) is left to BetterAuth.
    if (!cached || !signedToken) return null

    const bytes = base64UrlBytes(cached)
    if (!bytes) return null
    const compact = compactSchema.safeParse(parseWithDates(decoder.decode(bytes)))
    if (!compact.success) return null
    const { session: signedData, expiresAt, signature } = compact.data
    const mac = base64UrlBytes(signature)
    if (!mac || !(await verify(mac, JSON.stringify({ ...signedData, expiresAt })))) return null
    // Dates were revived by the parse above, as in BetterAuth.
    const payload = payloadSchema.safeParse(signedData)
    if (!payload.success) return null

    const token = await signedSessionToken(signedToken)
    const { session, user, version } = payload.data
    if (!token || session.token !== token || (version ?? CACHE_VERSION) !== CACHE_VERSION) return null
    const sessionExpiresAt = new Date(session.expiresAt).getTime()
    if (expiresAt < now || !Number.isFinite(sessionExpiresAt) || sessionExpiresAt < now) return null
    return { session, user } as CachedSession
  }
}
