/**
 * The doctor's provider checks: each enabled provider's redirect URI (to compare with what is
 * registered at the provider), and the OpenID Connect issuer's discovery document, fetched from
 * where the doctor runs: a service that cannot read it cannot start a sign-in.
 */
import type { AuthHealth } from './health.ts'
import type { Report } from './report.ts'

const DISCOVERY_PATH = '/.well-known/openid-configuration'
const DISCOVERY_TIMEOUT_MS = 5000

async function checkDiscovery(issuer: string, report: Report, doFetch: typeof fetch) {
  const url = `${issuer}${DISCOVERY_PATH}`
  const fix =
    'Check OIDC_ISSUER (the issuer URL exactly as the provider names it, e.g. https://example.eu.auth0.com) and that the provider is up.'
  try {
    const response = await doFetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) })
    if (!response.ok) {
      report({ check: 'OIDC discovery', ok: false, message: `${url} answered ${response.status}`, fix })
      return
    }
    const document = (await response.json()) as {
      issuer?: string
      authorization_endpoint?: string
      token_endpoint?: string
    }
    if (document.issuer?.replace(/\/+$/, '') !== issuer) {
      report({
        check: 'OIDC discovery',
        ok: false,
        message: `the discovery document names the issuer ${document.issuer ?? '(none)'}, not ${issuer}: ID tokens would fail verification`,
        fix: 'Set OIDC_ISSUER to the issuer the discovery document names.',
      })
    } else if (!document.authorization_endpoint || !document.token_endpoint) {
      report({
        check: 'OIDC discovery',
        ok: false,
        message: `${url} names no authorization or token endpoint`,
        fix,
      })
    } else {
      report({ check: 'OIDC discovery', ok: true, message: `${url} is reachable` })
    }
  } catch (error) {
    report({ check: 'OIDC discovery', ok: false, message: `${url} is not reachable: ${(error as Error).message}`, fix })
  }
}

/**
 * @example
 * await checkProviders(health, report, fetch)
 */
export async function checkProviders(health: AuthHealth, report: Report, doFetch: typeof fetch) {
  for (const provider of health.providers?.enabled ?? []) {
    report({
      check: `provider ${provider.id}`,
      ok: true,
      message: `enabled; its redirect URI (register it at the provider): ${provider.redirectURI}`,
    })
    if (provider.issuer) await checkDiscovery(provider.issuer, report, doFetch)
  }
}
