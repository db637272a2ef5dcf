/**
 * Helpers shared by the tokens test files (not used at runtime): a migrated database on the local
 * Neon endpoint, and "deployments" of BetterAuth's JWT plugin over our key store on it, each with
 * its own secrets, as the service configures them.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { neon, neonConfig } from '@neondatabase/serverless'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { betterAuth } from 'better-auth/minimal'
import { jwt } from 'better-auth/plugins/jwt'
import { drizzle } from 'drizzle-orm/neon-http'
import type { JSONWebKeySet } from 'jose'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import * as schema from '../../db/schema.ts'

import type { Database } from '../../src/database/index.ts'
import { createKeyStore } from '../../src/tokens/key-store.ts'
import { backendNamed, type TestDatabase, WORKER_DATABASE_URL } from './backends.ts'

export const ISSUER = 'http://localhost:8787'

export const randomSecret = () => randomBytes(32).toString('base64url')

/** A migrated database on `backend` and a Drizzle client for it; `close()` stops the endpoint. */
export async function startDatabase(backend: TestDatabase) {
  const endpoint = await backend.start()
  neonConfig.fetchEndpoint = endpoint.url
  const db: Database = drizzle({ client: neon(WORKER_DATABASE_URL), schema })
  return { db, endpoint, close: () => endpoint.close() }
}

/**
 * A database on the named backend for the enclosing `describe`: started before its tests, its
 * signing keys deleted before each test, stopped (and dropped) after them. Read `db` inside tests.
 */
export function useKeyDatabase(backendName: string): {
  readonly db: Database
  readonly endpoint: Awaited<ReturnType<typeof startDatabase>>['endpoint']
} {
  const backend = backendNamed(backendName)
  let database: Awaited<ReturnType<typeof startDatabase>> | undefined
  beforeAll(async () => {
    database = await startDatabase(backend)
  })
  afterAll(async () => {
    await database?.close()
    await backend.cleanup()
  })
  beforeEach(async () => {
    await database!.db.delete(schema.jwks)
  })
  return {
    get db() {
      if (!database) throw new Error('the database starts in beforeAll; use it inside a test')
      return database.db
    },
    get endpoint() {
      if (!database) throw new Error('the database starts in beforeAll; use it inside a test')
      return database.endpoint
    },
  }
}

/** A deployment's secrets as its environment gives them: `BETTER_AUTH_SECRETS` and/or `BETTER_AUTH_SECRET`. */
export interface DeploymentSecrets {
  /** Current first. */
  readonly versioned?: readonly { version: number; value: string }[]
  readonly single?: string
}

/**
 * BetterAuth with the JWT plugin over our key store (one isolate of a deployment), given secrets
 * the way the service passes them (src/auth/index.ts): the legacy secret is `single`, else the
 * oldest version.
 *
 * @example
 * const a = deployment(db, { single: randomSecret() })
 * const token = await a.sign()
 */
export function deployment(db: Database, secrets: DeploymentSecrets, options: { now?: () => number } = {}) {
  const versioned = secrets.versioned ?? []
  const legacy = secrets.single ?? versioned.at(-1)?.value
  const known = [...versioned.map((s) => s.value), ...(secrets.single ? [secrets.single] : [])]
  const store = createKeyStore(db, { secrets: known, now: options.now })
  const auth = betterAuth({
    baseURL: ISSUER,
    secret: legacy,
    secrets: versioned.length > 0 ? [...versioned] : undefined,
    database: drizzleAdapter(db, { provider: 'pg', schema, transaction: false }),
    plugins: [jwt({ adapter: store, jwks: { keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' } } })],
    telemetry: { enabled: false },
    logger: { disabled: true },
  })
  return {
    store,
    auth,
    known,
    async sign(): Promise<string> {
      return (await auth.api.signJWT({ body: { payload: { sub: 'user-1' } } })).token
    },
    async jwks(): Promise<JSONWebKeySet> {
      return (await auth.api.getJwks()) as JSONWebKeySet
    },
    async secretConfig() {
      return (await auth.$context).secretConfig
    },
  }
}
