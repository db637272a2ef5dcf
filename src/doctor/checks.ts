/**
 * The doctor's checks: a running service examined from the outside, as a browser on the
 * frontend's origin would meet it. Each finding says what is wrong and how to fix it.
 */
import { checkCookieMode } from './cookies.ts'
import { checkCors } from './cors.ts'
import { checkHealth } from './health.ts'
import { checkProviders } from './providers.ts'
import type { DoctorOptions, Finding, Report } from './report.ts'
import { checkSignIn } from './sign-in.ts'

export type { DoctorOptions, Finding } from './report.ts'

/**
 * Runs every check and returns the findings in order.
 *
 * @example
 * const findings = await runDoctor({ serviceUrl: 'https://auth.example.com', origin: 'https://docs.example.com' })
 * const healthy = findings.every((f) => f.ok)
 */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = []
  const report: Report = (finding) => void findings.push(finding)
  const doFetch = options.fetch ?? fetch
  try {
    const live = await doFetch(`${options.serviceUrl}/health`)
    if (!live.ok) throw new Error(`GET /health answered ${live.status}`)
  } catch (error) {
    report({
      check: 'reachable',
      ok: false,
      message: `${options.serviceUrl} is not reachable: ${(error as Error).message}`,
      fix: 'Check the URL and that the service is deployed.',
    })
    return findings
  }
  report({ check: 'reachable', ok: true, message: `${options.serviceUrl} answers` })
  await checkCors(options, report, doFetch)
  const health = await checkHealth(options, report, doFetch)
  if (health) checkCookieMode(options, health, report)
  if (health) await checkProviders(health, report, doFetch)
  if (options.email && options.password) await checkSignIn(options, report, doFetch)
  return findings
}
