/**
 * Statements that travel with a request's next round trip instead of taking one of their own.
 * The limits' statement (limits/store.ts) is the one: counted in front of a route, it rides in the
 * same Neon batch as the route's first read, so a sign-in pays one trip for both (Neon runs a
 * batch as one transaction). A refusal discards the read, and nothing has been written: a
 * statement rides only on a trip that writes nothing; before a trip that writes, it is sent
 * alone, and a refusal stops the write from being sent at all.
 *
 * The statements are in the driver's wire form (`{ query, params }`, params as text), and their
 * results come back raw (`{ fields, rows }`, rows as arrays of text), as Neon's HTTP API has them.
 */

export interface WireStatement {
  readonly query: string
  readonly params: readonly (string | null)[]
}

export interface RawResult {
  readonly fields: readonly { readonly name: string }[]
  readonly rows: readonly (readonly (string | null)[])[]
}

/** A statement waiting for the next trip. `refuses`: its result stops the route (the read is discarded). */
export interface Rider {
  readonly statement: WireStatement
  refuses(result: RawResult): boolean
  settle(outcome: { result: RawResult } | { error: unknown }): void
}

/** Thrown in place of a trip's answer when a statement riding on it refused the request. */
export class RefusedByCarried extends Error {
  override readonly name = 'RefusedByCarried'
}

const WRITE = /"query":"\s*(insert|update|delete)\b/i

export function writesAnything(body: string): boolean {
  return WRITE.test(body)
}

type Send = (body: string) => Promise<Response>

async function results(response: Response): Promise<RawResult[]> {
  const body = (await response.json()) as { results?: RawResult[] }
  if (!Array.isArray(body.results)) throw new Error('Neon answered a batch without results')
  return body.results
}

function settleAll(riders: readonly Rider[], found: RawResult[] | undefined, error?: unknown): boolean {
  let refused = false
  for (const [index, rider] of riders.entries()) {
    const result = found?.[index]
    if (!result) {
      rider.settle({ error: error ?? new Error('no result for a carried statement') })
      continue
    }
    rider.settle({ result })
    refused ||= rider.refuses(result)
  }
  return refused
}

/**
 * Sends `body` (one statement or a batch) with `riders` on the same trip when it writes nothing,
 * else sends them first on a trip of their own; answers as Neon would have answered `body` alone.
 */
export async function sendWithRiders(body: string, riders: readonly Rider[], send: Send): Promise<Response> {
  const statements = riders.map((rider) => rider.statement)
  if (writesAnything(body)) {
    let found: RawResult[] | undefined
    try {
      const response = await send(JSON.stringify({ queries: statements }))
      if (!response.ok) throw new Error(`Neon answered ${response.status}: ${await response.text()}`)
      found = await results(response)
    } catch (error) {
      settleAll(riders, undefined, error)
      throw error
    }
    if (settleAll(riders, found)) throw new RefusedByCarried('refused before the write was sent')
    return send(body)
  }
  const own = JSON.parse(body) as { query?: string; queries?: unknown[] }
  const queries = own.queries ?? [own]
  const response = await send(JSON.stringify({ queries: [...statements, ...queries] }))
  if (!response.ok) {
    settleAll(riders, undefined, new Error(`Neon answered the carrying batch with ${response.status}`))
    return response
  }
  const all = await results(response)
  if (settleAll(riders, all)) throw new RefusedByCarried('refused by a statement carried with this read')
  const mine = all.slice(riders.length)
  const answer = own.queries ? { results: mine } : mine[0]
  return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } })
}
