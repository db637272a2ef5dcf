/** The `edge-auth` command (bundled to dist/package/edge-auth.mjs by `npm run build:package`). */
import { main } from './cli.ts'

process.exitCode = await main(process.argv.slice(2))
