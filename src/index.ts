/**
 * Cloudflare Workers entry: the bindings are the environment, and `waitUntil` from
 * `cloudflare:workers` keeps background work (null-session reports, BetterAuth's own) alive
 * after the response. The client's address is CF-Connecting-IP, which Cloudflare's edge
 * overwrites on every request from the internet.
 */
import { waitUntil } from 'cloudflare:workers'
import { createApp } from './app.ts'

export default createApp({
  waitUntil,
  clientAddress: (request) => request.headers.get('cf-connecting-ip') ?? undefined,
})
