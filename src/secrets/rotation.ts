/**
 * Secret rotation that logs nobody out. BetterAuth verifies session cookies and bearer tokens
 * with the current secret only; here a credential signed by an older secret is re-signed with
 * the current one before BetterAuth sees it, and the client receives the re-signed credential.
 */
import { bearerToken, type TokenSigner } from './signing.ts'

export interface CookieSpec {
  readonly name: string
  readonly attributes: {
    readonly maxAge?: number | undefined
    readonly path?: string | undefined
    readonly domain?: string | undefined
    readonly secure?: boolean | undefined
    readonly httpOnly?: boolean | undefined
    readonly sameSite?: string | undefined
    readonly partitioned?: boolean | undefined
  }
}

/** What an upgraded request needs on its way back. */
export interface UpgradedRequest {
  readonly request: Request
  /** Adds the re-signed credentials to a response that did not set new ones itself. */
  finish(response: Response): Response
}

/** `name=value; attributes` in the form BetterAuth itself writes. */
export function serializeCookie(spec: CookieSpec, value: string): string {
  const a = spec.attributes
  const parts = [`${spec.name}=${encodeURIComponent(value)}`]
  if (a.maxAge !== undefined) parts.push(`Max-Age=${a.maxAge}`)
  if (a.domain) parts.push(`Domain=${a.domain}`)
  parts.push(`Path=${a.path ?? '/'}`)
  if (a.httpOnly) parts.push('HttpOnly')
  if (a.secure) parts.push('Secure')
  if (a.sameSite) parts.push(`SameSite=${a.sameSite[0]!.toUpperCase()}${a.sameSite.slice(1).toLowerCase()}`)
  if (a.partitioned) parts.push('Partitioned')
  return parts.join('; ')
}

function setsCookie(response: Response, name: string): boolean {
  return response.headers.getSetCookie().some((line) => line.startsWith(`${name}=`))
}

/**
 * Builds the request upgrader for a set of secrets. With a single secret it is the identity.
 *
 * @example
 * const upgrade = createCredentialUpgrader(signer, { cookies: [sessionCookie], secretCount: 2 })
 * const { request, finish } = await upgrade(c.req.raw)
 * return finish(await auth.handler(request))
 */
export function createCredentialUpgrader(
  signer: TokenSigner,
  options: { cookies: readonly CookieSpec[]; secretCount: number },
) {
  const specsByName = new Map(options.cookies.map((spec) => [spec.name, spec]))
  const identity = (request: Request): UpgradedRequest => ({ request, finish: (response) => response })

  return async function upgradeCredentials(request: Request): Promise<UpgradedRequest> {
    if (options.secretCount < 2) return identity(request)
    const headers = new Headers(request.headers)
    const refreshedCookies: { spec: CookieSpec; line: string }[] = []
    let refreshedBearer: string | undefined

    const cookieHeader = request.headers.get('cookie')
    if (cookieHeader) {
      const pairs = cookieHeader.split(';').map((pair) => pair.trim())
      for (const [index, pair] of pairs.entries()) {
        const eq = pair.indexOf('=')
        const spec = specsByName.get(pair.slice(0, eq))
        if (eq < 0 || !spec) continue
        const verified = await signer.verify(pair.slice(eq + 1))
        if (!verified || verified.secretIndex === 0) continue
        const resigned = await signer.sign(verified.token)
        pairs[index] = `${spec.name}=${encodeURIComponent(resigned)}`
        refreshedCookies.push({ spec, line: serializeCookie(spec, resigned) })
      }
      if (refreshedCookies.length > 0) headers.set('cookie', pairs.join('; '))
    }

    const bearer = bearerToken(request.headers)
    if (bearer?.includes('.')) {
      const verified = await signer.verify(bearer)
      if (verified && verified.secretIndex > 0) {
        refreshedBearer = await signer.sign(verified.token)
        headers.set('authorization', `Bearer ${refreshedBearer}`)
      }
    }

    if (refreshedCookies.length === 0 && !refreshedBearer) return identity(request)
    return {
      request: new Request(request, { headers }),
      finish(response) {
        const out = new Response(response.body, response)
        for (const { spec, line } of refreshedCookies) {
          if (!setsCookie(response, spec.name)) out.headers.append('set-cookie', line)
        }
        if (refreshedBearer && !response.headers.has('set-auth-token'))
          out.headers.set('set-auth-token', refreshedBearer)
        return out
      },
    }
  }
}
