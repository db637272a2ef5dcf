/**
 * Setup file of the `runtime` project: after each test file, every line its services wrote is
 * checked for secrets (log-capture.ts). A leak fails the file, naming the test, the service's
 * target and the kind of secret, never the secret itself.
 */
import { afterAll } from 'vitest'
import { findLeaks } from './log-capture.ts'

afterAll(() => {
  const leaks = findLeaks()
  if (leaks.length > 0)
    throw new Error(
      `secrets in the services' output:\n${leaks.map((l) => `  ${l.kind} in ${l.source} output during "${l.test}"`).join('\n')}`,
    )
})
