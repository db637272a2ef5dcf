/**
 * Round trips an answer waits for. The local endpoint counts every request; the auth event log
 * writes its row after the response (src/event-log.ts), so requests touching it are left out:
 * they cost the database, not the client.
 */
import type { TestService } from './service.ts'

/**
 * @example
 * expect(await answerRoundTrips(service, () => tab.request('/api/auth/get-session'))).toEqual({ trips: 0, batches: 0 })
 */
export async function answerRoundTrips(
  service: TestService<'in-process'>,
  action: () => Promise<unknown>,
): Promise<{ trips: number; batches: number }> {
  await service.settle()
  service.endpoint.resetStats()
  await action()
  await service.settle()
  const answered = service.endpoint
    .requests()
    .filter((sql) => !sql.some((statement) => statement.includes('"auth_event"')))
  return { trips: answered.length, batches: service.endpoint.stats().total.batches }
}
