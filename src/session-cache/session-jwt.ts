/**
 * `set-auth-jwt` for a session answered from the cache, signed as BetterAuth's JWT plugin signs it
 * (`getJwtToken`: the plugin's `definePayload`, `iat`, `sub`; its `signJWT` with issuer, audience
 * and expiry), with the same signing key: the latest live key the key store (tokens/key-store.ts)
 * hands out. What is saved is the per-request work around that key: BetterAuth decrypts the
 * stored private key and imports it on every signing; here it is resolved once per stored key and
 * isolate, and again as soon as the key store's latest live key is another one.
 */
import type { GenericEndpointContext } from 'better-auth'
import { type JwtOptions, resolveSigningKey, signJWT } from 'better-auth/plugins/jwt'
import type { CachedSession } from './cache-cookie.ts'

type ResolvedKey = NonNullable<Awaited<ReturnType<typeof resolveSigningKey>>>
/** BetterAuth's context as the JWT plugin's functions read it (`auth.$context`). */
export type AuthContext = GenericEndpointContext['context']

export type SessionJwtSigner = (cached: CachedSession) => Promise<string>

/** A signed JWT is reused for its session until it has used this share of its life. */
export const JWT_REUSE_SHARE = 0.8
/** Sessions whose JWT an isolate keeps, at most; beyond them it starts over. */
const MAX_KEPT = 10_000
const DEFAULT_TTL_SECONDS = 15 * 60

function ttlSeconds(options: JwtOptions): number {
  const expiration = options.jwt?.expirationTime
  const seconds = typeof expiration === 'string' ? /^(\d+)s$/.exec(expiration)?.[1] : undefined
  return seconds ? Number(seconds) : DEFAULT_TTL_SECONDS
}

/** The JWT plugin's options as registered with BetterAuth, key store included; undefined without the plugin. */
export function jwtPluginOptions(context: AuthContext): JwtOptions | undefined {
  const plugin = context.options.plugins?.find((p) => p.id === 'jwt') as { options?: JwtOptions } | undefined
  return plugin?.options
}

/**
 * @example
 * const sign = createSessionJwtSigner(await auth.$context, jwtPluginOptions(await auth.$context)!)
 * headers.set('set-auth-jwt', await sign(cached))
 */
export function createSessionJwtSigner(context: AuthContext, options: JwtOptions): SessionJwtSigner {
  const alg = options.jwks?.keyPairConfig?.alg ?? 'EdDSA'
  let resolved: { id: string; privateKey: string; key: ResolvedKey } | undefined

  async function signingKey(ctx: GenericEndpointContext): Promise<ResolvedKey | undefined> {
    const now = new Date()
    const latest = (await options.adapter?.getJwks?.(ctx))
      ?.filter((k) => k.alg === alg || (k.alg == null && alg === 'EdDSA'))
      .filter((k) => !k.expiresAt || k.expiresAt > now)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]
    if (!latest) return undefined // BetterAuth creates one: signJWT resolves by itself below
    if (resolved?.id !== latest.id || resolved.privateKey !== latest.privateKey) {
      const key = await resolveSigningKey(ctx, options)
      if (!key || key.kid !== latest.id) return key ?? undefined
      resolved = { id: latest.id, privateKey: latest.privateKey, key }
    }
    return resolved.key
  }

  // Signing reads the context's options, secret config and logger; no request state.
  const ctx = { context, path: '/get-session' } as unknown as GenericEndpointContext
  const reuseMs = ttlSeconds(options) * 1000 * JWT_REUSE_SHARE
  // The JWT signed last for a session and its claims, until it has used 80 % of its life: a
  // cache hit then costs no signature. Keyed by the claims, so a changed email is signed anew.
  const kept = new Map<string, { token: string; until: number }>()
  return async function signSessionJwt(cached) {
    const defined = options.jwt?.definePayload ? await options.jwt.definePayload(cached as never) : cached.user
    const claims = { ...defined, sub: (await options.jwt?.getSubject?.(cached as never)) ?? cached.user.id }
    const keptKey = `${cached.session.id}|${JSON.stringify(claims)}`
    const now = Date.now()
    const reuse = kept.get(keptKey)
    if (reuse && reuse.until > now) return reuse.token
    const payload = { iat: Math.floor(now / 1000), ...claims }
    const token = await signJWT(ctx, { options, payload, resolvedKey: await signingKey(ctx) })
    if (kept.size >= MAX_KEPT) kept.clear()
    kept.set(keptKey, { token, until: now + reuseMs })
    return token
  }
}
