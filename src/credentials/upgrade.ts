/**
 * Secret rotation that logs nobody out. BetterAuth verifies session cookies and bearer tokens
 * with the current secret only; here a credential signed by an older secret is re-signed with
 * the current one before BetterAuth sees it, and the client receives the re-signed credential
 * (`Set-Cookie`, `set-auth-token`) unless the response already sets a new one.
 */
import { type CookieSpec, serializeCookie, setsCookie } from '../http/cookies.ts'
import { HEADERS } from '../http/headers.ts'
import type { RequestCredentials } from './request-credential.ts'
import type { TokenSigner } from './signed-token.ts'

/** A request whose credentials were re-signed, and what its response must carry back. */
export interface UpgradedRequest {
  readonly request: Request
  /** Adds the re-signed credentials to (mutable) response headers that did not set new ones. */
  finish(headers: Headers): void
}

/** Re-signs a request's credentials (as read once); null when nothing needed it (the common case). */
export type CredentialUpgrader = (request: Request, credentials: RequestCredentials) => Promise<UpgradedRequest | null>

/**
 * Builds the upgrader for the session cookies and signer of one deployment. With a single
 * secret nothing can be older than the current one, so it answers null without reading anything.
 *
 * @example
 * const upgrade = createCredentialUpgrader(signer, [sessionCookie, dontRememberCookie])
 * const upgraded = await upgrade(request, credentials) // UpgradedRequest | null
 */
export function createCredentialUpgrader(signer: TokenSigner, cookies: readonly CookieSpec[]): CredentialUpgrader {
  const specsByName = new Map(cookies.map((spec) => [spec.name, spec]))

  return async function upgradeCredentials(request, credentials) {
    if (signer.secretCount < 2) return null
    const refreshedCookies: { spec: CookieSpec; line: string }[] = []
    // Pairs, not a map: a browser may send two cookies of one name (say, two partitions).
    const pairs = credentials.cookiePairs.map((pair) => ({ ...pair }))
    for (const pair of pairs) {
      const spec = specsByName.get(pair.name)
      const verified = spec ? await credentials.verify(pair.value) : null
      if (!spec || !verified || verified.secretIndex === 0) continue
      const resigned = await signer.sign(verified.token)
      pair.value = encodeURIComponent(resigned)
      refreshedCookies.push({ spec, line: serializeCookie(spec, resigned) })
    }

    let refreshedBearer: string | undefined
    const verifiedBearer = (await credentials.bearer?.verified()) ?? null
    if (verifiedBearer && verifiedBearer.secretIndex > 0) refreshedBearer = await signer.sign(verifiedBearer.token)

    if (refreshedCookies.length === 0 && !refreshedBearer) return null
    const headers = new Headers(request.headers)
    if (refreshedCookies.length > 0) {
      headers.set(HEADERS.cookie, pairs.map(({ name, value }) => `${name}=${value}`).join('; '))
    }
    if (refreshedBearer) headers.set(HEADERS.authorization, `Bearer ${refreshedBearer}`)
    return {
      request: new Request(request, { headers }),
      finish(responseHeaders) {
        for (const { spec, line } of refreshedCookies) {
          if (!setsCookie(responseHeaders, spec.name)) responseHeaders.append(HEADERS.setCookie, line)
        }
        if (refreshedBearer && !responseHeaders.has(HEADERS.sessionToken)) {
          responseHeaders.set(HEADERS.sessionToken, refreshedBearer)
        }
      },
    }
  }
}
