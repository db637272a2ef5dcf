/**
 * Sign-in providers from configuration: GitHub and Google (BetterAuth's social providers) and one
 * OpenID Connect provider found by discovery (`oidc`). A provider is enabled when its variables are
 * set; half of them set is a problem naming the missing one. Values are never echoed.
 */
import { isLoopbackHost } from '../http/site.ts'
import type { EnvBindings } from './env.ts'

export type ProviderId = 'github' | 'google' | 'oidc'

export interface OAuthClient {
  readonly clientId: string
  readonly clientSecret: string
}

export interface OidcProvider extends OAuthClient {
  /** The issuer URL without a trailing slash, e.g. `https://example.eu.auth0.com`. */
  readonly issuer: string
  /** `<issuer>/.well-known/openid-configuration`. */
  readonly discoveryUrl: string
  readonly scopes: readonly string[]
}

/** `verified-email`: a sign-in joins an existing user of the same email only when the provider verified it. */
export type AccountLinking = 'verified-email' | 'off'

export interface ProvidersConfig {
  readonly github: OAuthClient | undefined
  readonly google: OAuthClient | undefined
  readonly oidc: OidcProvider | undefined
  /** The enabled providers' ids, in a fixed order. */
  readonly enabled: readonly ProviderId[]
  readonly accountLinking: AccountLinking
}

export interface ProviderProblem {
  variable: string
  problem: string
}

export const DEFAULT_OIDC_SCOPES = ['openid', 'email', 'profile'] as const
const DISCOVERY_PATH = '/.well-known/openid-configuration'

function value(env: EnvBindings, name: keyof EnvBindings): string | undefined {
  return env[name]?.trim() || undefined
}

/** Both or neither of a client id and secret; a problem names the one missing. */
function parseClient(
  env: EnvBindings,
  provider: string,
  idVariable: keyof EnvBindings,
  secretVariable: keyof EnvBindings,
  problems: ProviderProblem[],
): OAuthClient | undefined {
  const clientId = value(env, idVariable)
  const clientSecret = value(env, secretVariable)
  if (clientId && clientSecret) return { clientId, clientSecret }
  if (clientId)
    problems.push({ variable: secretVariable, problem: `is missing: ${provider} needs ${idVariable} and it` })
  if (clientSecret)
    problems.push({ variable: idVariable, problem: `is missing: ${provider} needs ${secretVariable} and it` })
  return undefined
}

function parseIssuer(text: string, problems: ProviderProblem[]): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    problems.push({ variable: 'OIDC_ISSUER', problem: 'is not a valid URL' })
    return undefined
  }
  const local = isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    problems.push({ variable: 'OIDC_ISSUER', problem: 'must be an https URL (http only for localhost)' })
    return undefined
  }
  if (url.search || url.hash || url.username || url.password) {
    problems.push({
      variable: 'OIDC_ISSUER',
      problem: 'must be the issuer URL, without query, fragment or credentials',
    })
    return undefined
  }
  return url.toString().replace(/\/+$/, '')
}

function parseOidc(env: EnvBindings, problems: ProviderProblem[]): OidcProvider | undefined {
  const issuerText = value(env, 'OIDC_ISSUER')
  const clientId = value(env, 'OIDC_CLIENT_ID')
  const clientSecret = value(env, 'OIDC_CLIENT_SECRET')
  const scopesText = value(env, 'OIDC_SCOPES')
  if (!issuerText && !clientId && !clientSecret && !scopesText) return undefined
  const missing = (['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).filter((name) => !value(env, name))
  for (const variable of missing) {
    problems.push({
      variable,
      problem: 'is missing: an OpenID Connect provider needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET',
    })
  }
  const issuer = issuerText ? parseIssuer(issuerText, problems) : undefined
  const scopes = scopesText ? scopesText.split(/[\s,]+/).filter(Boolean) : [...DEFAULT_OIDC_SCOPES]
  if (!scopes.includes('openid')) {
    problems.push({ variable: 'OIDC_SCOPES', problem: 'must include openid' })
    return undefined
  }
  if (!issuer || !clientId || !clientSecret) return undefined
  return { issuer, discoveryUrl: `${issuer}${DISCOVERY_PATH}`, clientId, clientSecret, scopes }
}

/**
 * Parses the providers and the account linking policy.
 *
 * @example
 * parseProviders({ GITHUB_CLIENT_ID: 'Iv1.…', GITHUB_CLIENT_SECRET: '…' }).config.enabled // ['github']
 */
export function parseProviders(env: EnvBindings): { config: ProvidersConfig; problems: ProviderProblem[] } {
  const problems: ProviderProblem[] = []
  const github = parseClient(env, 'GitHub', 'GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', problems)
  const google = parseClient(env, 'Google', 'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', problems)
  const oidc = parseOidc(env, problems)
  const linking = (value(env, 'ACCOUNT_LINKING') ?? 'verified-email').toLowerCase()
  if (linking !== 'verified-email' && linking !== 'off') {
    problems.push({ variable: 'ACCOUNT_LINKING', problem: 'must be verified-email or off' })
  }
  const enabled = (['github', 'google', 'oidc'] as const).filter((id) => ({ github, google, oidc })[id] !== undefined)
  return {
    config: { github, google, oidc, enabled, accountLinking: linking === 'off' ? 'off' : 'verified-email' },
    problems,
  }
}

/**
 * The redirect URI to register at a provider: BetterAuth's callback route for it.
 *
 * @example
 * redirectURI('https://auth.example.com', 'oidc') // 'https://auth.example.com/api/auth/callback/oidc'
 */
export function redirectURI(baseURL: string, provider: ProviderId): string {
  return `${baseURL}/api/auth/callback/${provider}`
}
