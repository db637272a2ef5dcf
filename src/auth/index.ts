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
import type { RequestCredentials } from '../credentials/request-credential.ts'
import type { TokenSigner } from '../credentials/signed-token.ts'
import { withBatchedTransactions } from '../database/batched-writes.ts'
import type { DatabaseClient } from '../database/index.ts'
import type { AuthEventLog } from '../event-log.ts'
import { HEADERS } from '../http/headers.ts'
import { SOCIAL_ERROR_PATH } from '../http/social-params.ts'
import type { LimitService } from '../limits/index.ts'
import { betterAuthLogger } from '../logging.ts'
import type { Mailer } from '../mail/mailer.ts'
import type { Platform } from '../platform/index.ts'
import { authEventHooks } from '../plugins/auth-events.ts'
import { surfaceDatabaseFailures } from '../plugins/database-failures.ts'
import { normalizeEmails } from '../plugins/email-spelling.ts'
import { inputLimits } from '../plugins/input-limits.ts'
import { jwtPlugins } from '../plugins/jwt.ts'
import { type NullSessionLogger, nullSessionReport } from '../plugins/null-session-report.ts'
import { repairOrphansOnSignUp } from '../plugins/orphans.ts'
import { revokeOtherSessionsOnPasswordChange } from '../plugins/password-change.ts'
import { hideSessionTokens } from '../plugins/session-tokens.ts'
import { signOutInOneTrip } from '../plugins/sign-out.ts'
import { sessionCacheOptions } from '../session-cache/options.ts'
import type { SessionDiagnosis } from '../session-diagnosis.ts'
import { emailOptions } from './email.ts'
import { socialOptions } from './social.ts'

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 128
export const ONE_TIME_TOKEN_MINUTES = 3

/** What the BetterAuth instance is built from, all of it per isolate. */
export interface AuthDependencies {
  readonly config: Config
  readonly database: DatabaseClient
  readonly platform: Platform
  /** Null without a mail transport: no verification, reset or sign-in codes. */
  readonly mailer: Mailer | null
  readonly diagnose: (headers: Headers, credentials?: RequestCredentials) => Promise<SessionDiagnosis>
  readonly reportNullSession: NullSessionLogger
  /** Verifies signed session tokens (a bearer client's sign-out). */
  readonly signer: TokenSigner
  readonly limits: Pick<LimitService, 'clearAccount' | 'takeMailBudget'>
  readonly events: AuthEventLog
}

/** BetterAuth options, kept apart so they can be inspected. */
function authOptions(dependencies: AuthDependencies) {
  const { config, database, platform, mailer, diagnose, reportNullSession, signer, limits, events } = dependencies
  const eventHooks = authEventHooks(events, database.db)
  const social = socialOptions(config)
  const email = emailOptions(
    config,
    mailer,
    async (address) => !config.rateLimit || (await limits.takeMailBudget(address)).retryAfter <= 0,
  )
  const versioned = config.secrets.filter((s) => s.version !== null)
  // Data BetterAuth encrypted before versioned secrets (the JWT signing key) was written under the
  // secret that was current then: BETTER_AUTH_SECRET if still set, else the oldest listed version.
  const legacy = config.secrets.find((s) => s.version === null) ?? versioned.at(-1)!
  const { cookies } = config
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
    // BetterAuth's transactions (sign-up, OAuth sign-up, password change) as one Neon batch each.
    database: drizzleAdapter(withBatchedTransactions(database.db), { provider: 'pg', schema, transaction: true }),
    session: { cookieCache: sessionCacheOptions(config) },
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      password: platform.passwordHash,
      ...email.emailAndPassword,
      // A reset proves the mailbox: the account's failed sign-ins stop throttling it; the event log
      // learns whose password changed (see plugins/auth-events.ts).
      onPasswordReset: async (data: { user: { id: string; email: string } }, request?: Request) => {
        await Promise.all([limits.clearAccount(data.user.email), eventHooks.onPasswordReset(data, request)])
      },
    },
    emailVerification: email.emailVerification,
    disabledPaths: [...email.disabledPaths, ...social.disabledPaths],
    socialProviders: social.socialProviders,
    account: social.account,
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
      // The platform's client address, as the limits count it (middleware/client-address.ts).
      ipAddress: { ipAddressHeaders: [HEADERS.clientAddress] },
      // One query for a session and its user (Drizzle relations in db/schema.ts), not two round trips.
      database: { joins: true },
      // BetterAuth's work after the response (and ours in its hooks) goes to the platform's waitUntil.
      backgroundTasks: { handler: (promise: Promise<unknown>) => platform.waitUntil(promise) },
    },
    // Off: the service's own limits (src/limits/) count in the database, by the platform's address.
    rateLimit: { enabled: false },
    // A failure inside a route propagates to the app's error handler (redacted log, JSON 500), instead
    // of better-call printing the raw error, query parameters (password hashes) included, and
    // answering an empty 500. Expected errors (APIError: 4xx) are answered by BetterAuth as before.
    // A provider callback that fails before its state is known (replayed, expired) still ends on
    // the frontend: our error route finds the flow's errorCallbackURL (routes/social-sign-in/).
    onAPIError: { throw: true, errorURL: `${config.baseURL}${SOCIAL_ERROR_PATH}` },
    telemetry: { enabled: false },
    logger: betterAuthLogger,
    plugins: [
      // First: a database failure BetterAuth turned into a 500 answers 503 (plugins/database-failures.ts).
      surfaceDatabaseFailures,
      normalizeEmails,
      inputLimits,
      // A user an older version left without an account gives its email back to sign-up (plugins/orphans.ts).
      repairOrphansOnSignUp(database.db),
      revokeOtherSessionsOnPasswordChange,
      // A bearer token must carry its signature: the raw token alone is what the database holds.
      bearer({ requireSignature: true }),
      signOutInOneTrip({ signer, db: database.db, onSignOut: eventHooks.onSignOut }),
      hideSessionTokens,
      // Redirect hand-off (see routes/handoff.ts): single use, stored hashed, valid for 3 minutes.
      oneTimeToken({ storeToken: 'hashed', expiresIn: ONE_TIME_TOKEN_MINUTES }),
      email.codeSignIn,
      ...jwtPlugins(config, database.db),
      nullSessionReport(diagnose, reportNullSession),
      eventHooks.plugin,
      ...social.plugins,
    ],
  } satisfies Parameters<typeof betterAuth>[0]
}

export function buildAuth(dependencies: AuthDependencies) {
  return betterAuth(authOptions(dependencies))
}

export type Auth = ReturnType<typeof buildAuth>
