/**
 * Bearer tokens of the operator routes (`HEALTH_TOKEN`, `CRON_SECRET`): compared in constant time
 * (both sides hashed first, so neither the length nor a common prefix shows in the timing), never
 * logged or echoed.
 */
import { bearerToken } from './headers.ts'

export type OperatorAccess = 'anonymous' | 'granted' | 'refused'

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

/** Whether two strings are equal, in time that depends on neither. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256(a), sha256(b)])
  let difference = 0
  for (let i = 0; i < left.length; i++) difference |= left[i]! ^ right[i]!
  return difference === 0
}

/**
 * What a request's `Authorization` header grants on an operator route: no bearer token is
 * `anonymous`; the expected one `granted`; any other (or any at all when none is configured) `refused`.
 */
export async function operatorAccess(headers: Headers, expected: string | undefined): Promise<OperatorAccess> {
  const presented = bearerToken(headers)
  if (presented === undefined) return 'anonymous'
  if (expected === undefined) return 'refused'
  return (await constantTimeEqual(presented, expected)) ? 'granted' : 'refused'
}
