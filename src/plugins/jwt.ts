/**
 * JWTs for downstream APIs: BetterAuth's JWT plugin configured from `Config.jwt`, and the
 * `set-auth-jwt` header on get-session set by a plugin of ours, so that a failure to sign drops
 * the header instead of failing the whole get-session with a 500. Signing keys this deployment
 * cannot decrypt are never used (see key-store.ts); `/health/auth` names them (see signing-key.ts).
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'
import { getJwtToken, type JwtOptions, jwt } from 'better-auth/plugins/jwt'
import type { Config } from '../config/index.ts'
import type { Database } from '../database/index.ts'
import { HEADERS } from '../http/headers.ts'
import { logEvent } from '../logging.ts'
import { createKeyStore } from '../tokens/key-store.ts'

/** Signing keys are replaced this often; a retired key stays published for one token lifetime more. */
export const JWT_KEY_ROTATION_SECONDS = 30 * 24 * 3600
/** Allowance for clock skew between this service and the services verifying its tokens. */
export const JWT_CLOCK_SKEW_SECONDS = 60

/** The JWT plugin's options for a configuration. */
export function jwtOptions(config: Config, db: Database) {
  return {
    disableSettingJwtHeader: true,
    adapter: createKeyStore(db, { secrets: config.secrets.map((s) => s.value) }),
    jwks: {
      keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' },
      rotationInterval: JWT_KEY_ROTATION_SECONDS,
      gracePeriod: config.jwt.ttlSeconds + JWT_CLOCK_SKEW_SECONDS,
    },
    jwt: {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      expirationTime: `${config.jwt.ttlSeconds}s`,
      // Minimal claims: sub (the user id) is added by the plugin, iat here, exp by the signer.
      definePayload: ({ user, session }) => ({
        email: user.email,
        email_verified: user.emailVerified,
        sid: session.id,
      }),
    },
  } satisfies JwtOptions
}

/** The JWT plugin plus our get-session header. */
export function jwtPlugins(config: Config, db: Database) {
  const options = jwtOptions(config, db)
  const jwtHeader = {
    id: 'edge-auth-jwt-header',
    hooks: {
      after: [
        {
          // HTTP get-session only: the service's own auth.api.getSession calls (guard, hand-off) need no JWT.
          matcher: (context: { path?: string; request?: Request }) =>
            context.path === '/get-session' && context.request !== undefined,
          handler: createAuthMiddleware(async function setJwtHeader(ctx) {
            const session = ctx.context.session ?? ctx.context.newSession
            if (!session?.session) return
            try {
              ctx.setHeader(HEADERS.jwt, await getJwtToken(ctx as Parameters<typeof getJwtToken>[0], options))
            } catch (error) {
              logEvent('error', 'jwt_signing_failed', { error })
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin
  return [jwt(options), jwtHeader] as const
}
