/** The `edge-auth` command (bundled to dist/edge-auth.mjs by `npm run build:cli`). */
import { main } from './cli.ts'

process.exitCode = await main(process.argv.slice(2))
