/**
 * "Why is my session null?" A verdict on the credentials a request carries, with the likely
 * cause read from the request itself. Never includes a token or cookie value.
 */
import { eq } from 'drizzle-orm'
import { session as sessionTable } from '../db/schema.ts'
import type { Config } from './config/index.ts'
import type { RequestCredentials } from './credentials/request-credential.ts'
import type { Database } from './database/index.ts'
import { HEADERS } from './http/headers.ts'
import { isCrossSite } from './http/site.ts'

export type SessionStatus = 'valid' | 'no_credentials' | 'bad_signature' | 'not_found' | 'expired'

export interface Cause {
  readonly code: string
  readonly message: string
  readonly fix: string
}

export interface SessionDiagnosis {
  status: SessionStatus
  credential: 'cookie' | 'bearer' | null
  causes: Cause[]
  signedWith?: { version: number | null; current: boolean }
  session?: { id: string; userId: string; expiresAt: string }
}

const SECURE_PREFIX = '__Secure-'
const HOST_PREFIX = '__Host-'

function baseName(name: string): string {
  return name.replace(SECURE_PREFIX, '').replace(HOST_PREFIX, '')
}

/** The cause for a request from an origin outside `TRUSTED_ORIGINS`. */
export function originNotTrusted(origin: string): Cause {
  return {
    code: 'origin_not_trusted',
    message: `The request came from ${origin}, which is not in TRUSTED_ORIGINS, so the browser gets no CORS credentials and BetterAuth refuses its sign-in.`,
    fix: `Add ${origin} to TRUSTED_ORIGINS.`,
  }
}

/** What a diagnosis reads: the deployment's configuration and its database. */
export interface DiagnosisDependencies {
  readonly config: Config
  readonly db: Database
}

function noCredentialCauses(
  config: Config,
  headers: Headers,
  cookieName: string,
  cookies: ReadonlyMap<string, string>,
): Cause[] {
  const causes: Cause[] = []
  const origin = headers.get(HEADERS.origin)
  if (origin && !config.isOwnOrTrustedOrigin(origin)) causes.push(originNotTrusted(origin))
  const otherName = [...cookies.keys()].find((name) => name !== cookieName && baseName(name) === baseName(cookieName))
  if (otherName) {
    causes.push({
      code: 'cookie_name_mismatch',
      message: `The request carries "${otherName}" but this deployment reads "${cookieName}": the cookie was set by a deployment with other cookie settings (for example http versus https).`,
      fix: 'Sign in again against this deployment; keep BETTER_AUTH_URL and the cookie settings identical wherever one session must work.',
    })
  }
  const crossSite =
    headers.get(HEADERS.secFetchSite) === 'cross-site' ||
    (origin !== null && origin !== 'null' && isCrossSite(origin, config.baseURL))
  if (crossSite && !headers.has(HEADERS.cookie) && causes.length === 0) {
    causes.push(
      config.cookies.mode === 'same-site'
        ? {
            code: 'cross_site_lax_cookie',
            message:
              'This cross-site request carried no cookie: the session cookie is SameSite=Lax, which browsers never send across sites.',
            fix:
              config.cookies.modeSource === 'COOKIE_MODE'
                ? 'Remove COOKIE_MODE=same-site so the service uses partitioned SameSite=None cookies, or use the bearer token (set-auth-token).'
                : 'Run the service on this site (for local development: npm run dev), or use the bearer token (set-auth-token).',
          }
        : {
            code: 'cross_site_cookie_not_sent',
            message:
              'This cross-site request carried no cookie. Either the frontend fetch lacks credentials: "include", or the cookie was set while the browser was on another top-level site (a redirect), so it lives in another partition.',
            fix: 'Use credentials: "include" on every fetch; after redirects through the service, exchange the one-time token on the frontend; or use the bearer token.',
          },
    )
  }
  if (causes.length === 0) {
    causes.push({
      code: 'no_session_cookie',
      message: `The request carried neither a "${cookieName}" cookie nor an Authorization header.`,
      fix: 'Sign in first, and send credentials: "include" (cookies) or Authorization: Bearer <set-auth-token>.',
    })
  }
  return causes
}

/**
 * The diagnosis of a request's session credential (its one reading, credentials/request-credential.ts)
 * for a deployment; the headers give the request's origin.
 *
 * @example
 * const diagnose = createSessionDiagnosis({ config, db })
 * await diagnose(request.headers, c.var.credentials) // { status: 'bad_signature', … }
 */
export function createSessionDiagnosis({ config, db }: DiagnosisDependencies) {
  return async function diagnoseSession(headers: Headers, credentials: RequestCredentials): Promise<SessionDiagnosis> {
    const { cookies, cookieName, cookie, bearer } = credentials
    // As BetterAuth's bearer plugin does: a bearer token with a valid signature replaces the cookie.
    const bearerVerified = (await bearer?.verified()) ?? null
    const credential = bearerVerified ? 'bearer' : cookie ? 'cookie' : bearer ? 'bearer' : null
    const presented = credential === 'bearer' ? bearer : cookie
    if (!credential || !presented) {
      return {
        status: 'no_credentials',
        credential: null,
        causes: noCredentialCauses(config, headers, cookieName, cookies),
      }
    }

    const verified = bearerVerified ?? (await presented.verified())
    if (!verified) {
      return {
        status: 'bad_signature',
        credential,
        causes: [
          {
            code: 'unknown_secret',
            message:
              'The session credential is signed by a secret this deployment does not know: it came from a deployment with another BETTER_AUTH_SECRET, or the secret changed without keeping the old one.',
            fix: 'Compare secret fingerprints in /health/auth across deployments; to rotate, set BETTER_AUTH_SECRETS="<new version>:<new>,<old version>:<old>".',
          },
        ],
      }
    }
    const secret = config.secrets[verified.secretIndex]!
    const signedWith = { version: secret.version, current: verified.secretIndex === 0 }
    const [row] = await db
      .select({ id: sessionTable.id, userId: sessionTable.userId, expiresAt: sessionTable.expiresAt })
      .from(sessionTable)
      .where(eq(sessionTable.token, verified.token))
      .limit(1)
    if (!row) {
      return {
        status: 'not_found',
        credential,
        signedWith,
        causes: [
          {
            code: 'session_not_found',
            message:
              'The credential is genuine but no such session exists: it was signed out or revoked, or this deployment uses another database or branch.',
            fix: 'Sign in again; if it recurs, check that every deployment sharing sessions uses the same DATABASE_URL.',
          },
        ],
      }
    }
    const session = { id: row.id, userId: row.userId, expiresAt: row.expiresAt.toISOString() }
    if (row.expiresAt.getTime() <= Date.now()) {
      return {
        status: 'expired',
        credential,
        signedWith,
        session,
        causes: [
          { code: 'session_expired', message: `The session expired at ${session.expiresAt}.`, fix: 'Sign in again.' },
        ],
      }
    }
    return { status: 'valid', credential, signedWith, session, causes: [] }
  }
}
