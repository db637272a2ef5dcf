/**
 * Cloudflare Workers entry: the bindings are the environment, and `waitUntil` from
 * `cloudflare:workers` keeps background work (null-session reports, BetterAuth's own) alive
 * after the response.
 */
import { waitUntil } from 'cloudflare:workers'
import { createApp } from './app.ts'

export default createApp({ waitUntil })
