/**
 * BetterAuth records a session's `ipAddress` (which the event log also hashes) from the request
 * headers named in `advanced.ipAddress.ipAddressHeaders`; it knows no platform. This middleware
 * writes the platform's client address (the one the limits count) into the one header BetterAuth
 * is told to read, replacing whatever a client sent there, so no client chooses its address with
 * X-Real-IP or X-Forwarded-For. Without a known address the header is absent.
 */
import type { MiddlewareHandler } from 'hono'
import type { ServiceContext } from '../context.ts'
import { HEADERS } from '../http/headers.ts'

export function passClientAddress({ clientAddress }: ServiceContext): MiddlewareHandler {
  return async function passClientAddress(c, next) {
    const address = clientAddress(c.req.raw)
    const { headers } = c.req.raw
    if ((headers.get(HEADERS.clientAddress) ?? undefined) !== address) {
      const replaced = new Headers(headers)
      if (address === undefined) replaced.delete(HEADERS.clientAddress)
      else replaced.set(HEADERS.clientAddress, address)
      c.req.raw = new Request(c.req.raw, { headers: replaced })
    }
    await next()
  }
}
