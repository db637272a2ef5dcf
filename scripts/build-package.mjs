/**
 * Builds what `npm pack` ships, into dist/package/: the `edge-auth` command (the doctor) and the
 * `edge-auth/verify` and `edge-auth/client` entries, each one ESM file with no TypeScript at run
 * time. Their dependencies stay imports (`jose`; `better-auth`, a peer of the client); everything
 * of ours is bundled in. The type declarations come after it, from `tsc -p tsconfig.package.json`
 * (see `build:package` in package.json).
 *
 * Plain JavaScript, so that `prepare` runs it on any Node that can install the repository.
 */
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist/package`

/** The Node the command and the verifier are built for (the client targets browsers of the same age). */
const NODE_TARGET = 'node20'
const BROWSER_TARGET = 'es2022'

const common = { absWorkingDir: root, bundle: true, format: 'esm', logLevel: 'warning', legalComments: 'none' }

rmSync(outdir, { recursive: true, force: true })
await Promise.all([
  build({
    ...common,
    entryPoints: ['src/doctor/bin.ts'],
    outfile: `${outdir}/edge-auth.mjs`,
    platform: 'node',
    target: NODE_TARGET,
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    entryPoints: ['src/verify/index.ts'],
    outfile: `${outdir}/verify.mjs`,
    platform: 'neutral',
    target: [NODE_TARGET, BROWSER_TARGET],
    external: ['jose'],
  }),
  build({
    ...common,
    entryPoints: ['src/client/index.ts'],
    outfile: `${outdir}/client.mjs`,
    platform: 'neutral',
    target: BROWSER_TARGET,
    external: ['better-auth'],
  }),
])
