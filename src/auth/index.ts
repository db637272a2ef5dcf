/**
 * The BetterAuth instance: built once per configuration and reused by every request of the
 * isolate. It holds the config and a stateless database client, never a request's I/O object.
 */

import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { betterAuth } from 'better-auth/minimal'
import { bearer } from 'better-auth/plugins/bearer'
import { oneTimeToken } from 'better-auth/plugins/one-time-token'
import * as schema from '../../db/schema.ts'
import type { Config } from '../config/index.ts'
import type { DatabaseClient } from '../database.ts'
import { type NullSessionLogger, nullSessionReport } from '../diagnostics/null-session-report.ts'
import type { SessionDiagnosis } from '../diagnostics/session.ts'
import { SOCIAL_ERROR_PATH } from '../http/social-params.ts'
import { betterAuthLogger } from '../logging.ts'
import type { Platform } from '../platform.ts'
import { jwtPlugins } from '../tokens/jwt.ts'
import { inputLimits } from './limits.ts'
import { revokeOtherSessionsOnPasswordChange } from './password-change.ts'
import { hideSessionTokens } from './session-tokens.ts'
import { socialOptions } from './social.ts'

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 128
export const ONE_TIME_TOKEN_MINUTES = 3

/**
 * The header carrying the client's address, set by the platform's edge so a client cannot forge
 * it: Cloudflare overwrites CF-Connecting-IP; Vercel (and a proxy in front of Node) sets
 * X-Real-IP / X-Forwarded-For. Trusting CF-Connecting-IP elsewhere would let a client choose its
 * own rate-limit bucket.
 */
function clientIpHeaders(): string[] {
  return globalThis.navigator?.userAgent === 'Cloudflare-Workers'
    ? ['cf-connecting-ip']
    : ['x-real-ip', 'x-forwarded-for']
}

/** What the BetterAuth instance is built from, all of it per isolate. */
export interface AuthDependencies {
  readonly config: Config
  readonly database: DatabaseClient
  readonly platform: Platform
  readonly diagnose: (headers: Headers, cookieName: string) => Promise<SessionDiagnosis>
  readonly reportNullSession: NullSessionLogger
}

/** BetterAuth options, kept apart so they can be inspected. */
function authOptions({ config, database, platform, diagnose, reportNullSession }: AuthDependencies) {
  const versioned = config.secrets.filter((s) => s.version !== null)
  // Data BetterAuth encrypted before versioned secrets (the JWT signing key) was written under the
  // secret that was current then: BETTER_AUTH_SECRET if still set, else the oldest listed version.
  const legacy = config.secrets.find((s) => s.version === null) ?? versioned.at(-1)!
  const { cookies } = config
  const social = socialOptions(config)
  return {
    appName: 'edge-auth',
    baseURL: config.baseURL,
    basePath: '/api/auth',
    // Passed explicitly, so BetterAuth never falls back to its default secret. Without versioned
    // secrets BetterAuth still reads BETTER_AUTH_SECRETS from process.env itself: where that exists
    // (Node, Vercel, workerd's nodejs_compat) it is the same environment the config was parsed from.
    secret: legacy.value,
    secrets: versioned.length > 0 ? versioned.map((s) => ({ version: s.version!, value: s.value })) : undefined,
    trustedOrigins: config.trustedOrigins.map((o) => o.value),
    database: drizzleAdapter(database.db, { provider: 'pg', schema, transaction: false }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
    },
    socialProviders: social.socialProviders,
    account: social.account,
    disabledPaths: social.disabledPaths,
    databaseHooks: social.databaseHooks,
    advanced: {
      // The cookie's name and attributes follow configuration, never the request or NODE_ENV.
      useSecureCookies: cookies.secure,
      defaultCookieAttributes: {
        httpOnly: true,
        path: '/',
        secure: cookies.secure,
        sameSite: cookies.sameSite,
        partitioned: cookies.partitioned,
      },
      crossSubDomainCookies: cookies.domain ? { enabled: true, domain: cookies.domain } : undefined,
      // BetterAuth skips its origin (CSRF) check when NODE_ENV=test or TEST is set; the service's never does.
      disableOriginCheck: false,
      ipAddress: { ipAddressHeaders: clientIpHeaders() },
      // One query for a session and its user (Drizzle relations in db/schema.ts), not two round trips.
      database: { joins: true },
      // BetterAuth's work after the response (and ours in its hooks) goes to the platform's waitUntil.
      backgroundTasks: { handler: (promise: Promise<unknown>) => platform.waitUntil(promise) },
    },
    // On by default (BetterAuth only enables it when NODE_ENV=production, which Workers never set).
    rateLimit: {
      enabled: config.rateLimit,
      storage: 'memory',
      // A password guess through verify-password is as good as one through sign-in.
      customRules: { '/verify-password': { window: 10, max: 3 } },
    },
    // A failure inside a route propagates to the app's error handler (redacted log, JSON 500), instead
    // of better-call printing the raw error, query parameters (password hashes) included, and
    // answering an empty 500. Expected errors (APIError: 4xx) are answered by BetterAuth as before.
    // A provider callback that fails before its state is known (replayed, expired) still ends on
    // the frontend: our error route finds the flow's errorCallbackURL (routes/social-sign-in.ts).
    onAPIError: { throw: true, errorURL: `${config.baseURL}${SOCIAL_ERROR_PATH}` },
    telemetry: { enabled: false },
    logger: betterAuthLogger,
    plugins: [
      inputLimits,
      revokeOtherSessionsOnPasswordChange,
      // A bearer token must carry its signature: the raw token alone is what the database holds.
      bearer({ requireSignature: true }),
      hideSessionTokens,
      // Redirect hand-off (see handoff/): single use, stored hashed, valid for 3 minutes.
      oneTimeToken({ storeToken: 'hashed', expiresIn: ONE_TIME_TOKEN_MINUTES }),
      ...jwtPlugins(config, database.db),
      nullSessionReport(diagnose, reportNullSession),
      ...social.plugins,
    ],
  } satisfies Parameters<typeof betterAuth>[0]
}

export function buildAuth(dependencies: AuthDependencies) {
  return betterAuth(authOptions(dependencies))
}

export type Auth = ReturnType<typeof buildAuth>
