/**
 * A coarse per-address limit in front of the database's counters, so a flood from one address is
 * refused before it costs the database anything. The database keeps the exact counts (per route,
 * per account, per recipient); this gate only caps how many counted requests one address group
 * (an IPv4 address, an IPv6 /64) may send at all: 20 per minute, above any exact budget.
 *
 * On Cloudflare Workers it is the Rate Limiting binding `EDGE_RATE_LIMIT` declared in
 * wrangler.toml (counted by Cloudflare per location, for every isolate there). Where there is no
 * such binding (Vercel, Node, a Worker deployed without it) it is counted in the isolate: a
 * refused address costs nothing, though each isolate counts on its own.
 */

/** The coarse budget: counted requests per address group and period. */
export const EDGE_LIMIT = 20
export const EDGE_PERIOD_SECONDS = 60
/** Addresses an isolate remembers per period, at most; beyond them, new addresses pass uncounted. */
const MAX_TRACKED = 50_000

/** Whether a counted request from this address group may go on to the database's counters. */
export type EdgeGate = (group: string) => Promise<boolean>

/** Cloudflare's Rate Limiting binding, as the Worker sees it. */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>
}

function isRateLimitBinding(value: unknown): value is RateLimitBinding {
  return typeof (value as RateLimitBinding | undefined)?.limit === 'function'
}

/** A fixed window per address group, in this isolate's memory, forgotten when the window ends. */
export function isolateGate(limit = EDGE_LIMIT, periodSeconds = EDGE_PERIOD_SECONDS, now = Date.now): EdgeGate {
  let windowEnds = 0
  let counts = new Map<string, number>()
  return async function admitInIsolate(group) {
    const at = now()
    if (at >= windowEnds) {
      windowEnds = at + periodSeconds * 1000
      counts = new Map()
    }
    const count = (counts.get(group) ?? 0) + 1
    if (count === 1 && counts.size >= MAX_TRACKED) return true
    counts.set(group, count)
    return count <= limit
  }
}

/**
 * The gate for an environment: its `EDGE_RATE_LIMIT` binding when it has one, else the isolate's.
 *
 * @example
 * const gate = edgeGate(env)
 * if (!(await gate('v4:192.0.2.1'))) return tooManyRequests(EDGE_PERIOD_SECONDS)
 */
export function edgeGate(env: object): EdgeGate {
  const binding: unknown = (env as Record<string, unknown>).EDGE_RATE_LIMIT
  if (!isRateLimitBinding(binding)) return isolateGate()
  return async (group) => (await binding.limit({ key: group })).success
}
