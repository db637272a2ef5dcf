/**
 * Stands in for `@better-auth/core/social-providers` in the deployed bundles (wrangler.toml
 * `[alias]`, and the Vercel builds): BetterAuth's registry of social providers cut down to the
 * ones edge-auth can be configured with, GitHub and Google. BetterAuth's index imports all 36
 * providers into one object it indexes by the configured ids, so no bundler can drop the 34
 * nobody configures: 57 KiB minified.
 *
 * Faithful because the providers kept are BetterAuth's own functions (imported from their files,
 * so the bundle holds one copy of each; `src/bundle/aliases.test.ts` checks they are the very
 * functions the package exports), and because BetterAuth looks a provider up only by an id from
 * `options.socialProviders`, which our configuration fills with these ids only.
 * `SocialProviderListEnum` accepts any string after the listed ids, as BetterAuth's does, so
 * request validation is unchanged. A provider added to the configuration must be added here
 * (BetterAuth would call `socialProviders[id]` and fail context setup with a TypeError); an import
 * of a name this module lacks fails the build.
 */
import * as z from 'zod'
import { github } from '../../node_modules/@better-auth/core/dist/social-providers/github.mjs'
import {
  getGooglePublicKey,
  google,
  isGoogleHostedDomainAllowed,
  verifyGoogleIdToken,
} from '../../node_modules/@better-auth/core/dist/social-providers/google.mjs'

export { getGooglePublicKey, github, google, isGoogleHostedDomainAllowed, verifyGoogleIdToken }

/** Every provider edge-auth can be configured with, by BetterAuth's id. */
export const socialProviders = { github, google }

/** The ids a configuration may use; any other id is not in the deployed bundle. */
export const socialProviderList = Object.keys(socialProviders) as (keyof typeof socialProviders)[]

/** As BetterAuth's: the known ids, or any other string (the request schema of `/sign-in/social`). */
export const SocialProviderListEnum = z.enum(socialProviderList).or(z.string())
