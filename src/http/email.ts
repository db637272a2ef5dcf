/**
 * Email addresses as the service compares and stores them: without surrounding whitespace (a phone
 * keyboard's trailing space) and in lower case, as BetterAuth lower-cases them itself.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}
