/**
 * `drizzle-orm/neon-http` through local-neon: typed round trips, `db.batch`,
 * errors, and the neon-http migrator.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neon, neonConfig } from '@neondatabase/serverless'
import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/neon-http'
import { migrate } from 'drizzle-orm/neon-http/migrator'
import {
  bigint,
  boolean,
  customType,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalNeon } from './index.ts'
import { startLocalNeon, statsKey } from './index.ts'
import { backendCases, uniqueName } from './testing.ts'

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })

describe.each(backendCases())('drizzle on $name', ({ backend, skip }) => {
  let localNeon: LocalNeon
  const connectionString = 'postgresql://drizzle:pw@localhost/neondb'
  const db = drizzle({ client: neon(connectionString) })
  const tableName = uniqueName('ln_drizzle')
  const things = pgTable(tableName, {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(`${tableName}_email_key`),
    name: varchar('name', { length: 64 }),
    verified: boolean('verified').notNull().default(false),
    logins: integer('logins').notNull().default(0),
    quota: bigint('quota', { mode: 'bigint' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    profile: jsonb('profile').$type<{ roles: string[]; meta?: Record<string, unknown> }>(),
    secret: bytea('secret'),
  })

  beforeAll(async () => {
    if (skip) return
    localNeon = await startLocalNeon({ backend })
    neonConfig.fetchEndpoint = localNeon.url
    await db.execute(
      sql.raw(`CREATE TABLE ${tableName} (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CONSTRAINT ${tableName}_email_key UNIQUE,
        name varchar(64), verified boolean NOT NULL DEFAULT false, logins integer NOT NULL DEFAULT 0,
        quota bigint, created_at timestamptz NOT NULL, profile jsonb, secret bytea)`),
    )
  })

  afterAll(async () => {
    if (skip) return
    await db.execute(sql.raw(`DROP TABLE IF EXISTS ${tableName}`))
    await localNeon.close()
  })

  it.skipIf(skip)('round-trips every column type of a typed table', async () => {
    const createdAt = new Date('2023-11-05T01:30:00.007Z')
    const [inserted] = await db
      .insert(things)
      .values({
        email: 'typed@x',
        name: 'Zoë',
        verified: true,
        logins: 7,
        quota: 9223372036854775807n,
        createdAt,
        profile: { roles: ['admin', 'ü'], meta: { n: 1.5, nil: null } },
        secret: Buffer.from([0, 255, 10, 13, 92]),
      })
      .returning()
    expect(inserted?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

    const [row] = await db.select().from(things).where(eq(things.email, 'typed@x'))
    expect(row).toEqual({
      id: inserted?.id,
      email: 'typed@x',
      name: 'Zoë',
      verified: true,
      logins: 7,
      quota: 9223372036854775807n,
      createdAt,
      profile: { roles: ['admin', 'ü'], meta: { n: 1.5, nil: null } },
      secret: Buffer.from([0, 255, 10, 13, 92]),
    })
    expect(row?.createdAt.getTime()).toBe(createdAt.getTime())

    const [sparse] = await db
      .insert(things)
      .values({ email: 'sparse@x', createdAt })
      .returning({ name: things.name, quota: things.quota, profile: things.profile, secret: things.secret })
    expect(sparse).toEqual({ name: null, quota: null, profile: null, secret: null })
    await db.delete(things)
  })

  it.skipIf(skip)('commits db.batch as one round trip', async () => {
    localNeon.resetStats()
    const createdAt = new Date()
    const [first, second, all] = await db.batch([
      db.insert(things).values({ email: 'b1@x', createdAt }).returning({ email: things.email }),
      db
        .update(things)
        .set({ logins: sql`${things.logins} + 1` })
        .where(eq(things.email, 'b1@x'))
        .returning({
          logins: things.logins,
        }),
      db.select({ email: things.email }).from(things),
    ])
    expect(first).toEqual([{ email: 'b1@x' }])
    expect(second).toEqual([{ logins: 1 }])
    expect(all).toEqual([{ email: 'b1@x' }])
    expect(localNeon.stats().byConnection[statsKey(connectionString)]).toEqual({
      queries: 0,
      batches: 1,
      batchedQueries: 3,
      errors: 0,
    })
    await db.delete(things)
  })

  it.skipIf(skip)('rolls back db.batch when a later statement violates a unique constraint', async () => {
    const createdAt = new Date()
    const error = await db
      .batch([
        db.insert(things).values({ email: 'same@x', createdAt }),
        db.insert(things).values({ email: 'same@x', createdAt }),
      ])
      .catch((e: unknown) => e)
    expect(postgresCause(error)).toMatchObject({ code: '23505', constraint: `${tableName}_email_key` })
    expect(await db.select().from(things)).toEqual([])
  })

  it.skipIf(skip)('surfaces a unique violation of a single insert', async () => {
    const createdAt = new Date()
    await db.insert(things).values({ email: 'one@x', createdAt })
    const error = await db
      .insert(things)
      .values({ email: 'one@x', createdAt })
      .catch((e: unknown) => e)
    expect(postgresCause(error)).toMatchObject({
      code: '23505',
      constraint: `${tableName}_email_key`,
      table: tableName,
    })
    await db.delete(things)
  })

  it.skipIf(skip)('runs the neon-http migrator with single queries; a second run is a no-op', async () => {
    const migrationsSchema = uniqueName('ln_migrations')
    const accounts = uniqueName('ln_accounts')
    const folder = mkdtempSync(join(tmpdir(), 'local-neon-migrations-'))
    const journal = {
      version: '7',
      dialect: 'postgresql',
      entries: [
        { idx: 0, version: '7', when: 1_700_000_000_000, tag: '0000_init', breakpoints: true },
        { idx: 1, version: '7', when: 1_700_000_100_000, tag: '0001_more', breakpoints: true },
      ],
    }
    const migration0 = `CREATE TABLE "${accounts}" ("id" serial PRIMARY KEY NOT NULL, "email" text NOT NULL);\n--> statement-breakpoint\nCREATE UNIQUE INDEX "${accounts}_email_idx" ON "${accounts}" USING btree ("email");`
    const migration1 = `ALTER TABLE "${accounts}" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;`
    mkdirSync(join(folder, 'meta'))
    writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal))
    writeFileSync(join(folder, '0000_init.sql'), migration0)
    writeFileSync(join(folder, '0001_more.sql'), migration1)

    try {
      localNeon.resetStats()
      await migrate(db, { migrationsFolder: folder, migrationsSchema })
      // CREATE SCHEMA, CREATE TABLE (journal), SELECT last, 2 + 1 migration statements, 2 journal INSERTs.
      expect(localNeon.stats().byConnection[statsKey(connectionString)]).toEqual({
        queries: 8,
        batches: 0,
        batchedQueries: 0,
        errors: 0,
      })
      const columns = await db.execute(
        sql`SELECT column_name FROM information_schema.columns WHERE table_name = ${accounts} ORDER BY ordinal_position`,
      )
      expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'email', 'created_at'])

      localNeon.resetStats()
      await migrate(db, { migrationsFolder: folder, migrationsSchema })
      expect(localNeon.stats().byConnection[statsKey(connectionString)]).toEqual({
        queries: 3,
        batches: 0,
        batchedQueries: 0,
        errors: 0,
      })
      const journalRows = await db.execute(
        sql`SELECT hash, created_at FROM ${sql.identifier(migrationsSchema)}.__drizzle_migrations ORDER BY id`,
      )
      expect(journalRows.rows).toEqual([
        { hash: sha256(migration0), created_at: '1700000000000' },
        { hash: sha256(migration1), created_at: '1700000100000' },
      ])
    } finally {
      await db.execute(sql.raw(`DROP TABLE IF EXISTS "${accounts}"`))
      await db.execute(sql.raw(`DROP SCHEMA IF EXISTS "${migrationsSchema}" CASCADE`))
      rmSync(folder, { recursive: true, force: true })
    }
  })
})

/** Drizzle wraps single-query errors in DrizzleQueryError (`cause` = the driver's NeonDbError). */
function postgresCause(error: unknown): unknown {
  if (error instanceof Error && error.cause instanceof Error) return error.cause
  return error
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
