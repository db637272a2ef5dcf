/**
 * Stands in for BetterAuth's `/error` endpoint (better-auth/dist/api/routes/error.mjs, imported as
 * `./routes/error.mjs` by its api/index.mjs) in the deployed bundles. The package's endpoint renders
 * an 11 KiB HTML page unless `onAPIError.errorURL` is set; edge-auth always sets it (auth/index.ts:
 * the provider sign-in error route), so only its redirect can run, and that is all this keeps: the
 * same code check, the same parameters, the same 302. The acceptance suite compares this answer on
 * the bundled targets with the package's on Node.
 */
import { createAuthEndpoint, HIDE_METADATA } from '@better-auth/core/api'
import { appendQueryParams } from '@better-auth/core/utils/url'

const SAFE_CODE = /^['A-Za-z0-9_-]+$/

export const error = createAuthEndpoint('/error', { method: 'GET', metadata: HIDE_METADATA }, async (c) => {
  const url = new URL(c.request?.url || '')
  const code = url.searchParams.get('error') || 'UNKNOWN'
  const description = url.searchParams.get('error_description') || null
  const params = new URLSearchParams()
  params.set('error', SAFE_CODE.test(code) ? code : 'UNKNOWN')
  if (description) params.set('error_description', description)
  const errorURL = c.context.options.onAPIError?.errorURL
  if (!errorURL) throw new Error("edge-auth: BetterAuth's error page needs onAPIError.errorURL (auth/index.ts sets it)")
  return new Response(null, { status: 302, headers: { Location: appendQueryParams(errorURL, params) } })
})
