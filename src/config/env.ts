/**
 * Every variable the service reads, named once. The config type, `npm run dev`'s overrides of
 * `.dev.vars` and Vercel's `envVarsInUse` come from this list, and a test holds docs/configuration.md's
 * settings table to it.
 */
export const ENV_VARIABLES = [
  'BETTER_AUTH_SECRET',
  'BETTER_AUTH_SECRETS',
  'BETTER_AUTH_URL',
  'DATABASE_URL',
  'NEON_HTTP_ENDPOINT',
  'DATABASE_TIMEOUT_MS',
  'TRUSTED_ORIGINS',
  'COOKIE_DOMAIN',
  'COOKIE_MODE',
  'JWT_TTL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'RATE_LIMIT',
  'TRUST_PROXY',
  'HEALTH_TOKEN',
  'CRON_SECRET',
  'AUTH_EVENT_RETENTION_DAYS',
  'SESSION_CACHE_TTL',
  'SMTP_URL',
  'RESEND_API_KEY',
  'RESEND_API_URL',
  'MAIL_FROM',
  'APP_NAME',
  'EMAIL_VERIFICATION',
  'PASSWORD_RESET_TTL',
  'GITHUB_CLIENT_ID',
  'GITHUB_CLIENT_SECRET',
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_SCOPES',
  'ACCOUNT_LINKING',
  'PAGES',
  'BRAND_COLOR',
  'LOGO_URL',
] as const

export type EnvVariable = (typeof ENV_VARIABLES)[number]

/** The environment as the service sees it: Worker bindings or `process.env`. Anything else is ignored. */
export type EnvBindings = { readonly [name in EnvVariable]?: string | undefined }
