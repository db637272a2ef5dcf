/**
 * Applies the committed SQL migrations in `db/migrations/` through the Neon HTTP driver,
 * exactly as the service talks to the database. Safe to run twice: applied migrations are
 * recorded in `drizzle.__drizzle_migrations` and skipped.
 *
 * Run: `npm run db:migrate` (reads DATABASE_URL and, for a local endpoint, NEON_HTTP_ENDPOINT).
 */
import { fileURLToPath } from 'node:url'
import { neon, neonConfig } from '@neondatabase/serverless'
import { drizzle } from 'drizzle-orm/neon-http'
import { migrate } from 'drizzle-orm/neon-http/migrator'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))

/**
 * @example
 * await migrateDatabase({ databaseUrl: process.env.DATABASE_URL!, neonHttpEndpoint: 'http://127.0.0.1:4444/sql' })
 */
export async function migrateDatabase(options: {
  databaseUrl: string
  neonHttpEndpoint?: string | undefined
}): Promise<void> {
  if (options.neonHttpEndpoint) neonConfig.fetchEndpoint = options.neonHttpEndpoint
  await migrate(drizzle({ client: neon(options.databaseUrl) }), { migrationsFolder: MIGRATIONS_FOLDER })
}

function redact(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.hostname}${parsed.pathname}`
  } catch {
    return '(unparseable URL)'
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) {
    console.error('db:migrate: DATABASE_URL is not set')
    process.exit(2)
  }
  const neonHttpEndpoint = process.env.NEON_HTTP_ENDPOINT || undefined
  try {
    await migrateDatabase({ databaseUrl, neonHttpEndpoint })
    console.log(
      `db:migrate: ${redact(databaseUrl)} is up to date${neonHttpEndpoint ? ` (via ${neonHttpEndpoint})` : ''}`,
    )
  } catch (error) {
    console.error(`db:migrate: failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
