/** Vitest global setup: bundle the Worker once per run, as `wrangler deploy` would. */
import { buildWorkerBundle } from './worker.ts'

export default function setup() {
  buildWorkerBundle()
}
