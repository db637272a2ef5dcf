/**
 * An address is one account however it is typed: every route's `email` (and `newEmail`) is
 * normalised (http/email.ts: trimmed, lower-cased) before the route sees it. BetterAuth lower-cases
 * but does not trim, and its body schema (`z.email()`) refuses `"ada@example.com "` with 400
 * VALIDATION_ERROR; the schema runs inside the endpoint, after the before hooks (better-auth
 * api/dispatch.ts), so the body this hook returns is the one validated.
 */
import type { BetterAuthPlugin } from 'better-auth'
import { createAuthMiddleware } from 'better-auth/api'
import { normalizeEmail } from '../http/email.ts'

const EMAIL_FIELDS = ['email', 'newEmail'] as const

/** The body with its email fields normalised; undefined when there is nothing to change. */
export function withNormalEmails(body: unknown): Record<string, unknown> | undefined {
  if (!body || typeof body !== 'object') return undefined
  const fields = body as Record<string, unknown>
  let changed: Record<string, unknown> | undefined
  for (const field of EMAIL_FIELDS) {
    const value = fields[field]
    if (typeof value === 'string' && value !== normalizeEmail(value)) {
      changed ??= { ...fields }
      changed[field] = normalizeEmail(value)
    }
  }
  return changed
}

export const normalizeEmails = {
  id: 'edge-auth-normalize-emails',
  hooks: {
    before: [
      {
        matcher: (context: { body?: unknown }) => withNormalEmails(context.body) !== undefined,
        handler: createAuthMiddleware(async function normalizeBodyEmails(ctx) {
          const body = withNormalEmails(ctx.body)
          return body ? { context: { body } } : undefined
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin
