/**
 * One budget of database time per request: its round trips together wait at most twice
 * `DATABASE_TIMEOUT_MS` for the database (database/deadline.ts).
 */
import type { MiddlewareHandler } from 'hono'
import type { ServiceContext } from '../context.ts'
import { withDatabaseBudget } from '../database/deadline.ts'

export function databaseBudget(service: ServiceContext): MiddlewareHandler {
  const tripDeadlineMs = service.config.databaseTimeoutMs
  return function budgeted(_c, next) {
    return withDatabaseBudget(tripDeadlineMs, next)
  }
}
