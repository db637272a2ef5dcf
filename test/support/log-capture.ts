/**
 * Every line the started services write (workerd's output through onLog, the Edge VM's console,
 * Node's stdout and stderr) is collected here with the test that was running, and checked for
 * secrets: the values the harness knows (TEST_SECRET, HEALTH_TOKEN, the passwords and session
 * tokens the test client sent or received) and what has a secret's shape (scrypt password hashes,
 * JWTs). `test/support/log-check.ts` fails a test file that leaked, naming the test and the kind of
 * secret, never the secret.
 */
import { expect } from 'vitest'

export interface CapturedLine {
  readonly test: string
  readonly source: string
  readonly line: string
}

export interface Leak {
  readonly test: string
  readonly source: string
  readonly kind: string
}

const lines: CapturedLine[] = []
const known = new Map<string, string>()

/** BetterAuth's scrypt hash: 16 bytes of salt and a 64-byte key, both hex, joined by a colon. */
const SCRYPT_HASH = /\b[0-9a-f]{32}:[0-9a-f]{128}\b/i
/** A JWT: three base64url parts, header and payload JSON objects (`eyJ`). */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/

/** The values shorter than this are not tracked: they would match ordinary text. */
const MIN_KNOWN_LENGTH = 12

/**
 * A value that must never appear in a service's output, and what kind of secret it is.
 *
 * @example
 * rememberSecret('password', 'correct horse battery')
 */
export function rememberSecret(kind: string, value: string | null | undefined): void {
  if (value && value.length >= MIN_KNOWN_LENGTH && !known.has(value)) known.set(value, kind)
}

function currentTest(): string {
  try {
    return expect.getState().currentTestName ?? '(between tests)'
  } catch {
    return '(between tests)'
  }
}

/**
 * Collects one line (or chunk of lines) a service wrote.
 *
 * @example
 * captureServiceOutput('node', chunk.toString())
 */
export function captureServiceOutput(source: string, text: string): void {
  const test = currentTest()
  for (const line of text.split('\n')) if (line.trim()) lines.push({ test, source, line })
}

/** The kinds of secret in one line (empty when it is clean). */
export function secretsIn(line: string): string[] {
  const kinds = new Set<string>()
  for (const [value, kind] of known) if (line.includes(value)) kinds.add(kind)
  if (SCRYPT_HASH.test(line)) kinds.add('password hash')
  if (JWT.test(line)) kinds.add('JWT')
  return [...kinds]
}

/** How many lines were collected so far (a test can see that capture works). */
export function capturedLineCount(source?: string): number {
  return source ? lines.filter((l) => l.source === source).length : lines.length
}

/**
 * Every leak among the lines collected so far, once per test, source and kind.
 *
 * @example
 * expect(findLeaks()).toEqual([])
 */
export function findLeaks(): Leak[] {
  const leaks = new Map<string, Leak>()
  for (const { test, source, line } of lines) {
    for (const kind of secretsIn(line)) leaks.set(`${test}\0${source}\0${kind}`, { test, source, kind })
  }
  return [...leaks.values()]
}
