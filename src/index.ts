/**
 * Cloudflare Workers entry: the bindings are the environment, and `waitUntil` from
 * `cloudflare:workers` keeps background work (null-session reports, BetterAuth's own) alive
 * after the response.
 */
import { waitUntil } from 'cloudflare:workers'
import { createApp } from './app.ts'
import { workerSmtpTransport } from './mail/smtp-worker.ts'

export default createApp({ waitUntil, runtime: 'Cloudflare Workers', smtp: workerSmtpTransport })
