/**
 * The request's credential, read once (middleware/credential.ts) and kept on the request: the
 * session cookie and the `Authorization: Bearer` token, each verified on first need and
 * remembered, so the guard, the limits, the credential upgrade, the fast get-session, sign-out and
 * the session diagnosis all use one reading. A credential the upgrade re-signs is read anew.
 *
 * BetterAuth's own hooks (sign-out, the null-session report) see BetterAuth's request, not Hono's
 * context: the auth route attaches the reading to the request it hands BetterAuth.
 */
import { cookieMap, cookiePairs } from '../http/cookies.ts'
import { bearerToken, HEADERS } from '../http/headers.ts'
import type { TokenSigner, VerifiedToken } from './signed-token.ts'

/** A session cookie, a signed session token sent as a bearer token, or a JWT sent as one. */
export type CredentialKind = 'cookie' | 'bearer' | 'jwt'

export interface Credential {
  readonly kind: CredentialKind
  /** As the client sent it: the cookie's value (URI-encoded), or the bearer token. */
  readonly value: string
  /**
   * The session token and the known secret that signed it, verified on the first call and
   * remembered; null when no known secret signed it, and for a JWT (the guard verifies those
   * against the service's JWKS).
   */
  verified(): Promise<VerifiedToken | null>
}

export interface RequestCredentials {
  /** The session cookie's name in this deployment. */
  readonly cookieName: string
  /** The Cookie header's pairs, in order (a name may repeat). */
  readonly cookiePairs: readonly { readonly name: string; readonly value: string }[]
  /** The cookies by name, the first of a repeated name winning (as better-call reads them). */
  readonly cookies: ReadonlyMap<string, string>
  /** The session cookie, when sent with a value. */
  readonly cookie: Credential | null
  /** The bearer token, when sent. */
  readonly bearer: Credential | null
  /** Verifies a signed value of this request (a cookie the upgrade re-signs), each value once. */
  verify(value: string): Promise<VerifiedToken | null>
}

/** JWTs have three dot-separated parts; a signed session token has two. */
function isJwt(token: string): boolean {
  return token.split('.').length === 3
}

/**
 * Reads a request's credentials; nothing is verified until asked.
 *
 * @example
 * const credentials = readCredentials(request.headers, 'better-auth.session_token', signer)
 * const verified = await credentials.cookie?.verified() // { token, secretIndex } | null
 */
export function readCredentials(headers: Headers, cookieName: string, signer: TokenSigner): RequestCredentials {
  const verifications = new Map<string, Promise<VerifiedToken | null>>()
  function verify(value: string): Promise<VerifiedToken | null> {
    let verification = verifications.get(value)
    if (!verification) {
      verification = signer.verify(value)
      verifications.set(value, verification)
    }
    return verification
  }
  const credential = (kind: CredentialKind, value: string): Credential => ({
    kind,
    value,
    verified: () => (kind === 'jwt' ? Promise.resolve(null) : verify(value)),
  })

  const pairs = [...cookiePairs(headers.get(HEADERS.cookie))]
  const cookies = cookieMap(pairs)
  const cookie = cookies.get(cookieName)
  const bearer = bearerToken(headers)
  return {
    cookieName,
    cookiePairs: pairs,
    cookies,
    cookie: cookie ? credential('cookie', cookie) : null,
    bearer: bearer === undefined ? null : credential(isJwt(bearer) ? 'jwt' : 'bearer', bearer),
    verify,
  }
}

const attached = new WeakMap<Request, RequestCredentials>()

/** The request, with its reading attached for BetterAuth's hooks (`credentialsOf(ctx.request)`). */
export function attachCredentials(request: Request, credentials: RequestCredentials): Request {
  attached.set(request, credentials)
  return request
}

/** The reading attached to a request BetterAuth handles; undefined for a call without one (`auth.api`). */
export function credentialsOf(request: Request | undefined): RequestCredentials | undefined {
  return request && attached.get(request)
}
