/**
 * BetterAuth's options for social and OpenID Connect sign-in, from `config.providers`: GitHub and
 * Google through `socialProviders` (by name: BetterAuth builds them itself), the `oidc` provider
 * through the generic OAuth plugin with discovery. Every flow uses PKCE and `state` (Google and
 * GitHub always send a code verifier; the generic plugin does unless `pkce: false`, never set here).
 */
import { genericOAuth } from 'better-auth/plugins/generic-oauth'
import type { Config } from '../config/index.ts'

/**
 * BetterAuth routes that answer with the provider's access or refresh token. No route of ours
 * hands a provider token out, so they are off.
 */
export const PROVIDER_TOKEN_PATHS = ['/get-access-token', '/refresh-token'] as const

export function socialOptions(config: Config) {
  const { github, google, oidc, accountLinking } = config.providers
  return {
    socialProviders: {
      ...(github ? { github: { clientId: github.clientId, clientSecret: github.clientSecret } } : {}),
      ...(google ? { google: { clientId: google.clientId, clientSecret: google.clientSecret } } : {}),
    },
    account: {
      // Provider tokens are stored encrypted under the service's secret.
      encryptOAuthTokens: true,
      accountLinking: {
        enabled: accountLinking !== 'off',
        // No provider is trusted by name: linking needs the provider's email_verified.
        trustedProviders: [],
        allowDifferentEmails: false,
        allowUnlinkingAll: false,
      },
    },
    plugins: oidc
      ? [
          genericOAuth({
            config: [
              {
                providerId: 'oidc',
                name: 'OpenID Connect',
                discoveryUrl: oidc.discoveryUrl,
                clientId: oidc.clientId,
                clientSecret: oidc.clientSecret,
                scopes: [...oidc.scopes],
                pkce: true,
                // The ID token is checked against the issuer's keys, audience and nonce.
                requireIdTokenVerification: true,
              },
            ],
          }),
        ]
      : [],
    disabledPaths: [...PROVIDER_TOKEN_PATHS],
    // BetterAuth stores the provider's ID token as it came (unencrypted); nothing here needs it after sign-in.
    databaseHooks: {
      account: {
        create: { before: async (account: { idToken?: string | null }) => ({ data: { ...account, idToken: null } }) },
        update: {
          before: async (account: { idToken?: string | null }) =>
            account.idToken ? { data: { ...account, idToken: null } } : undefined,
        },
      },
    },
  }
}
