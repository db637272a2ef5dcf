/**
 * Provider sign-in that works across sites by construction. BetterAuth's client starts a flow by
 * fetch (`POST /api/auth/sign-in/social`); from a frontend on another site its state cookie then
 * lands in the frontend's partition, and the provider's redirect to our callback (a top-level
 * navigation) never carries it: `state_mismatch`. Here the frontend navigates to
 *
 *   GET /auth/sign-in/:provider?callbackURL=…&errorCallbackURL=…&newUserCallbackURL=…
 *
 * which starts BetterAuth's flow server-side, so its state and PKCE cookies are first-party on the
 * service's origin. The callback signs in here and ends on the frontend: in cross-site mode through
 * the hand-off (`callbackURL?ott=…`, so the session lands in the frontend's partition), same-site
 * directly. A failure ends on errorCallbackURL with `auth_error=<CODE>` (error-codes.ts).
 */
import { Hono } from 'hono/tiny'
import type { Config } from '../../config/index.ts'
import type { AppEnv } from '../../context.ts'
import { type ErrorCode, errorResponse, serviceError } from '../../errors.ts'
import { type CookieSpec, parseCookieHeader, serializeCookie } from '../../http/cookies.ts'
import { HANDOFF_ERROR_PARAM, HANDOFF_PATH } from '../../http/handoff-params.ts'
import { HEADERS } from '../../http/headers.ts'
import { SOCIAL_ERROR_PATH, SOCIAL_SIGN_IN_PATH } from '../../http/social-params.ts'
import { logEvent } from '../../logging.ts'
import { socialErrorCode } from './error-codes.ts'

const ERROR_URL_PARAM = 'errorCallbackURL'
/** How long a started flow may take: BetterAuth's state lives 10 minutes. */
const FLOW_SECONDS = 600

/**
 * The flow's errorCallbackURL, for failures BetterAuth reports without the flow's state (a
 * replayed or expired callback). First-party on the service, sent only to the error route.
 */
function errorCookie(config: Config): CookieSpec {
  return {
    name: `${config.cookies.secure ? '__Secure-' : ''}edge-auth.sign-in-error-url`,
    attributes: { path: SOCIAL_ERROR_PATH, httpOnly: true, secure: config.cookies.secure, sameSite: 'lax' },
  }
}

type Parameter = 'callbackURL' | 'errorCallbackURL' | 'newUserCallbackURL'

/** An absolute URL on a trusted origin, or a 400 naming the parameter. */
function trustedURL(config: Config, raw: string | undefined, parameter: Parameter): URL {
  let url: URL
  try {
    url = new URL(raw ?? '')
  } catch {
    throw serviceError('INVALID_CALLBACK_URL', `${parameter} must be an absolute URL on a trusted origin.`, {
      parameter,
    })
  }
  // The service's own pages (routes/pages/) start flows that end on them.
  if (!config.isOwnOrTrustedOrigin(url.origin)) {
    throw serviceError('UNTRUSTED_CALLBACK_URL', `${parameter} is not on an origin listed in TRUSTED_ORIGINS.`, {
      parameter,
    })
  }
  return url
}

function trustedOrNull(config: Config, raw: string | undefined): URL | null {
  if (!raw) return null
  try {
    const url = new URL(raw)
    return config.isOwnOrTrustedOrigin(url.origin) ? url : null
  } catch {
    return null
  }
}

function withError(url: URL, code: ErrorCode): string {
  const target = new URL(url)
  target.searchParams.set(HANDOFF_ERROR_PARAM, code)
  return target.toString()
}

function noStore(response: Response): Response {
  response.headers.set(HEADERS.cacheControl, 'no-store')
  response.headers.set('Referrer-Policy', 'no-referrer')
  return response
}

function redirect(location: string): Response {
  return noStore(new Response(null, { status: 302, headers: { location } }))
}

/** BetterAuth's answer for a provider it does not have: unknown, or configured but not discovered. */
function isProviderNotFound(error: unknown): boolean {
  return (error as { body?: { code?: string } } | null)?.body?.code === 'PROVIDER_NOT_FOUND'
}

/** The flow's targets from the query, each an absolute URL on a trusted origin (400 otherwise). */
function flowTargets(config: Config, query: (name: string) => string | undefined) {
  const callback = trustedURL(config, query('callbackURL'), 'callbackURL')
  const errorCallback = query(ERROR_URL_PARAM)
    ? trustedURL(config, query(ERROR_URL_PARAM), 'errorCallbackURL')
    : callback
  const newUser = query('newUserCallbackURL')
    ? trustedURL(config, query('newUserCallbackURL'), 'newUserCallbackURL')
    : undefined
  return { callback, errorCallback, newUser }
}

/** BetterAuth's callback URLs for the flow: after signing in, through the hand-off in cross-site mode. */
function betterAuthCallbacks(config: Config, { callback, errorCallback, newUser }: ReturnType<typeof flowTargets>) {
  const landing = (url: URL) =>
    config.cookies.mode === 'cross-site' && url.origin !== config.baseURL
      ? `${config.baseURL}${HANDOFF_PATH}?callbackURL=${encodeURIComponent(url.toString())}`
      : url.toString()
  return {
    callbackURL: landing(callback),
    errorCallbackURL: `${config.baseURL}${SOCIAL_ERROR_PATH}?${ERROR_URL_PARAM}=${encodeURIComponent(errorCallback.toString())}`,
    newUserCallbackURL: newUser ? landing(newUser) : undefined,
  }
}

export function socialSignInRoutes() {
  const routes = new Hono<AppEnv>()

  routes.get(`${SOCIAL_SIGN_IN_PATH}/:provider`, async function startSocialSignIn(c) {
    const { config, auth } = c.var.service
    const targets = flowTargets(config, (name) => c.req.query(name))
    const { errorCallback } = targets
    const provider = c.req.param('provider')
    if (!(config.providers.enabled as readonly string[]).includes(provider)) {
      return redirect(withError(errorCallback, 'OAUTH_PROVIDER_NOT_ENABLED'))
    }
    let started: { headers: Headers; response: { url?: string | undefined } }
    try {
      started = await auth.api.signInSocial({
        body: { provider, ...betterAuthCallbacks(config, targets), disableRedirect: true },
        returnHeaders: true,
      })
    } catch (error) {
      if (!isProviderNotFound(error)) throw error
      // Configured, yet BetterAuth has no such provider: its discovery failed (and failed again now).
      logEvent('warn', 'social_sign_in_failed', { provider, code: 'OAUTH_PROVIDER_UNAVAILABLE', cause: 'discovery' })
      return redirect(withError(errorCallback, 'OAUTH_PROVIDER_UNAVAILABLE'))
    }
    const location = started.response.url
    if (!location) throw new Error(`BetterAuth returned no authorization URL for ${provider}`)
    const response = redirect(location)
    for (const line of started.headers.getSetCookie()) response.headers.append(HEADERS.setCookie, line)
    response.headers.append(
      HEADERS.setCookie,
      serializeCookie(
        { ...errorCookie(config), attributes: { ...errorCookie(config).attributes, maxAge: FLOW_SECONDS } },
        errorCallback.toString(),
      ),
    )
    return response
  })

  routes.get(SOCIAL_ERROR_PATH, function socialSignInError(c) {
    const { config } = c.var.service
    const cookie = errorCookie(config)
    const fromState = c.req.query(ERROR_URL_PARAM)
    const fromCookie = parseCookieHeader(c.req.header(HEADERS.cookie)).get(cookie.name)
    const target =
      trustedOrNull(config, fromState) ?? trustedOrNull(config, fromCookie && decodeURIComponent(fromCookie))
    const cause = c.req.query('error')
    const code = socialErrorCode(cause, fromState !== undefined)
    // The provider's description is its own text; the redactor masks anything token-shaped in it.
    logEvent('warn', 'social_sign_in_failed', { code, cause, description: c.req.query('error_description') })
    const response = target ? redirect(withError(target, code)) : noStore(errorResponse(code))
    response.headers.append(
      HEADERS.setCookie,
      serializeCookie({ ...cookie, attributes: { ...cookie.attributes, maxAge: 0 } }, ''),
    )
    return response
  })

  return routes
}
