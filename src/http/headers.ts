/** Header names the service reads or writes, named once. */
export const HEADERS = {
  /** The session token for clients that cannot keep cookies (BetterAuth's bearer plugin). */
  sessionToken: 'set-auth-token',
  /** A JWT for downstream APIs, on every get-session with a session. */
  jwt: 'set-auth-jwt',
  authorization: 'authorization',
  cookie: 'cookie',
  setCookie: 'set-cookie',
  origin: 'origin',
  referer: 'referer',
  secFetchSite: 'sec-fetch-site',
  cacheControl: 'cache-control',
  /** The platform's client address, written by the app for BetterAuth (middleware/client-address.ts). */
  clientAddress: 'x-edge-auth-client-address',
} as const

const BEARER = /^bearer\s+(.+)$/i

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined.
 *
 * @example
 * bearerToken(request.headers) // 'abc.def' for 'Bearer abc.def'
 */
export function bearerToken(headers: Headers): string | undefined {
  return BEARER.exec(headers.get(HEADERS.authorization) ?? '')?.[1]?.trim() || undefined
}
