/**
 * Runs local-neon until SIGINT/SIGTERM.
 *
 * Usage:
 *   node db/local-neon/cli.ts [--port N] [--data-dir DIR | --database-url URL]
 *
 * - no backend flag: in-memory PGlite (gone when the process stops)
 * - `--data-dir DIR`: PGlite persisted in DIR (e.g. `.data/pglite`)
 * - `--database-url URL`: a real PostgreSQL server
 * - `--port N`: port on 127.0.0.1 (default 4444; 0 picks a free one)
 *
 * Prints exactly one line on stdout once ready:
 *   local-neon listening on http://127.0.0.1:4444/sql
 * Everything else (errors, shutdown) goes to stderr; the database URL's
 * password is never printed.
 *
 * @example
 * node db/local-neon/cli.ts --port 4444 --data-dir .data/pglite
 *
 * @module
 */
import { parseArgs } from 'node:util'
import type { LocalNeon, LocalNeonBackendOptions } from './index.ts'
import { startLocalNeon } from './index.ts'

const defaultPort = 4444

const usage = `usage: node db/local-neon/cli.ts [--port N] [--data-dir DIR | --database-url URL]`

type CliOptions = { port: number; backend: LocalNeonBackendOptions }

/**
 * Parses the command line; throws with a usage message on bad input.
 *
 * @example
 * parseCliArgs(['--port', '0', '--data-dir', '.data/pglite'])
 * // { port: 0, backend: { kind: 'pglite', dataDir: '.data/pglite' } }
 */
export function parseCliArgs(args: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
  if (values.help) return 'help'

  const port = values.port === undefined ? defaultPort : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}\n${usage}`)
  if (values['data-dir'] !== undefined && values['database-url'] !== undefined) {
    throw new Error(`--data-dir and --database-url are mutually exclusive\n${usage}`)
  }
  const backend: LocalNeonBackendOptions =
    values['database-url'] !== undefined
      ? { kind: 'postgres', url: values['database-url'] }
      : { kind: 'pglite', dataDir: values['data-dir'] }
  return { port, backend }
}

async function main(): Promise<void> {
  let options: CliOptions | 'help'
  try {
    options = parseCliArgs(process.argv.slice(2))
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 2
    return
  }
  if (options === 'help') {
    console.log(usage)
    return
  }

  let localNeon: LocalNeon
  try {
    localNeon = await startLocalNeon(options)
  } catch (error) {
    console.error(`local-neon: could not start: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
    return
  }
  console.log(`local-neon listening on ${localNeon.url}`)
  console.error(`local-neon: backend ${describeBackend(options.backend)}`)

  let stopping = false
  async function stop(signal: NodeJS.Signals): Promise<void> {
    if (stopping) return
    stopping = true
    console.error(`local-neon: ${signal}, stopping`)
    try {
      await localNeon.close()
      process.exit(0)
    } catch (error) {
      console.error(`local-neon: error while stopping: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    }
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

function describeBackend(backend: LocalNeonBackendOptions): string {
  if (backend.kind === 'pglite') return backend.dataDir ? `PGlite in ${backend.dataDir}` : 'PGlite in memory'
  try {
    const url = new URL(backend.url)
    url.password = ''
    return `PostgreSQL at ${url.toString()}`
  } catch {
    return 'PostgreSQL'
  }
}

if (import.meta.main) await main()
