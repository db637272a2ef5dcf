/**
 * Round trips an answer waits for. The local endpoint counts every request; the auth event log
 * writes its row after the response (one single-statement trip per event, src/events/log.ts), so
 * those are taken off: they cost the database, not the client.
 */
import { queryEndpoint } from './backends.ts'
import type { TestService } from './service.ts'

async function eventCount(service: TestService<'in-process'>): Promise<number> {
  return Number((await queryEndpoint(service.endpoint, 'select count(*) from auth_event'))[0]![0])
}

/**
 * @example
 * expect(await answerRoundTrips(service, () => tab.request('/api/auth/get-session'))).toEqual({ trips: 0, batches: 0 })
 */
export async function answerRoundTrips(
  service: TestService<'in-process'>,
  action: () => Promise<unknown>,
): Promise<{ trips: number; batches: number }> {
  await service.settle()
  const before = await eventCount(service)
  service.endpoint.resetStats()
  await action()
  await service.settle()
  const { total } = service.endpoint.stats()
  const logged = (await eventCount(service)) - before
  return { trips: total.queries + total.batches - logged, batches: total.batches }
}
