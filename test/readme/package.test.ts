/**
 * The package as a user gets it: `npm pack` here, `npm install <tarball>` in an empty project in a
 * temporary directory (from the npm cache), and then each part as the README shows it, on the
 * oldest Node ≥ 20 on this machine:
 *
 * - `npx edge-auth doctor --help`;
 * - the documentation's TypeScript verifier code (read from docs/tokens.md, the service's URL put in, and a
 *   `token` given) verifying a real token of a running service, and its Hono middleware;
 * - the documentation's client file type-checked against the package's declarations with the verifier
 *   code, bundled with esbuild for the browser, and created on Node as server-side rendering would.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UNDER_CI } from '../support/ci.ts'
import { codeBlock, DOCS_SERVICE_URL, replaceExactly } from '../support/docs.ts'
import { tamperedToken } from '../support/forged-tokens.ts'
import { newUser, useIssuingService } from '../support/issuing-service.ts'
import { type NodeBinary, nodeMajor, nodesOnPath } from '../support/nodes.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TSC = join(root, 'node_modules/.bin/tsc')
const verifierCode = () => codeBlock('docs/tokens.md', '### In TypeScript (Workers, Node, Bun)', 'ts')
const clientCode = () => codeBlock('docs/frontend.md', '## A Docusaurus (or any SPA) client', 'ts')
const signInCode = () =>
  codeBlock('docs/social-sign-in.md', '# Sign-in with GitHub, Google or any OpenID provider', 'ts')

/** README's install lines, as commands (comments dropped): `npm pack`, then `npm install <tarball> better-auth`. */
function installCommands(): string[][] {
  return codeBlock('README.md', '## Installing the package', 'sh')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/\s+/))
}

/** The oldest `node` of major 20 or newer on PATH (the distribution's Node 20 next to Node 24, here). */
function oldestNode(): NodeBinary {
  return nodesOnPath()
    .filter((node) => nodeMajor(node.version) >= 20)
    .sort((a, b) => nodeMajor(a.version) - nodeMajor(b.version))[0]!
}

/**
 * A child process, awaited without blocking this one: the database endpoint behind the service
 * runs in this process, so a synchronous wait would stall every request the child makes.
 */
function spawnAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version
}

const node = oldestNode()
// The package promises Node 20: CI's machine has Debian's Node 20 beside Node 24, and must use it.
if (UNDER_CI && nodeMajor(node.version) !== 20)
  throw new Error(`CI must test the package on Node 20, found ${node.version}`)

describe(`the packed package in a fresh project, on Node ${node.version}`, () => {
  const running = useIssuingService()
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-package-'))
  const project = join(dir, 'project')
  // `node` first on PATH, so that npm, npx and the package's bin run on it; and none of this
  // repository's npm settings (npm exports them as npm_config_*), as in somebody else's project.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
    PATH: `${dirname(node.path)}${delimiter}${process.env.PATH}`,
  }
  let packed: { filename: string; files: { path: string }[] }

  function run(command: string, args: string[]) {
    return spawnSync(command, args, { cwd: project, env, encoding: 'utf8', timeout: 120_000 })
  }

  beforeAll(() => {
    // The README's two lines, with only where the tarball goes, and the versions of this repository.
    const [pack, install] = installCommands()
    expect(pack).toEqual(['npm', 'pack'])
    const json = execFileSync('npm', [...pack!.slice(1), '--pack-destination', dir, '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    packed = JSON.parse(json)[0]
    expect(install!.slice(0, 2)).toEqual(['npm', 'install'])
    expect(install!.slice(2)).toEqual([`/path/to/edge-auth/${packed.filename}`, 'better-auth'])
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    const installed = run('npm', [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(dir, packed.filename),
      `better-auth@${installedVersion('better-auth')}`,
      `hono@${installedVersion('hono')}`,
    ])
    if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.stderr}`)
  }, 180_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('ships the built package only: no TypeScript source, no tests', () => {
    const paths = packed.files.map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/package/edge-auth.mjs']))
    expect(paths.filter((p) => !p.startsWith('dist/package/') && !['package.json', 'README.md'].includes(p))).toEqual(
      [],
    )
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([])
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/edge-auth/package.json'), 'utf8'))
    expect(manifest.private).toBeUndefined()
    expect(Object.keys(manifest.dependencies)).toEqual(['jose'])
  })

  it('runs `npx edge-auth doctor --help`', () => {
    const help = run('npx', ['--offline', 'edge-auth', 'doctor', '--help'])
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' })
    expect(help.stdout).toMatch(/^usage: edge-auth doctor <service-url> --origin <frontend-origin>/)
    const bare = run('npx', ['--offline', 'edge-auth', 'doctor'])
    expect(bare.status).toBe(2)
    expect(bare.stderr).toContain('usage: edge-auth doctor')
  })

  it("verifies a real token with the documentation's edge-auth/verify code, and refuses others", async () => {
    const { userId, jwt } = await newUser(running.service)
    const snippet = replaceExactly(verifierCode(), DOCS_SERVICE_URL, running.service.url, 3)
    const program = `const token = process.env.EDGE_AUTH_TOKEN as string
${snippet}
const me = await app.request('/api/me', { headers: { authorization: \`Bearer \${token}\` } })
const anonymous = await app.request('/api/me')
const refused = await verifyAccessToken(process.env.TAMPERED_TOKEN).catch((error) => error)
console.log(JSON.stringify({
  sub: claims.sub,
  me: { status: me.status, body: await me.json() },
  anonymous: { status: anonymous.status, body: await anonymous.json() },
  refused: { isAccessTokenError: refused instanceof AccessTokenError, code: refused.code, message: refused.message },
}))
`
    const { code } = await transform(program, { loader: 'ts', format: 'esm', target: 'node20' })
    writeFileSync(join(project, 'verify-snippet.mjs'), code)
    const result = await spawnAsync(node.path, ['verify-snippet.mjs'], {
      cwd: project,
      env: { ...env, EDGE_AUTH_TOKEN: jwt, TAMPERED_TOKEN: tamperedToken(jwt, 'someone-else') },
    })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      sub: userId,
      me: { status: 200, body: { userId } },
      anonymous: { status: 401, body: { code: 'TOKEN_MISSING', message: expect.any(String) } },
      refused: { isAccessTokenError: true, code: 'BAD_SIGNATURE', message: expect.any(String) },
    })
  })

  it("type-checks the documentation's verifier and client code against the package's declarations", () => {
    writeFileSync(join(project, 'verify-snippet.ts'), `declare const token: string\n${verifierCode()}`)
    mkdirSync(join(project, 'src/lib'), { recursive: true })
    writeFileSync(join(project, 'src/lib/auth.ts'), clientCode())
    // A bundler resolves './auth'; this project's Node resolution wants the extension.
    writeFileSync(
      join(project, 'src/lib/sign-in.ts'),
      replaceExactly(signInCode(), "from './auth'", "from './auth.ts'", 1),
    )
    // The declarations must carry real types: each line below is an error only if they do.
    writeFileSync(
      join(project, 'probes.ts'),
      `import type { AccessTokenErrorCode } from 'edge-auth/verify'
import type { EdgeAuthErrorCode, SessionDiagnosis } from 'edge-auth/client'
import { authClient } from './src/lib/auth.ts'
// @ts-expect-error not a verifier code
export const a: AccessTokenErrorCode = 'NOT_A_CODE'
// @ts-expect-error not a client code
export const b: EdgeAuthErrorCode = 'NOT_A_CODE'
// @ts-expect-error not a status
export const c: SessionDiagnosis['status'] = 'not_a_status'
// @ts-expect-error BetterAuth's sign-in needs a password
export const d = () => authClient.signIn.email({ email: 'a@example.com' })
export const e: Promise<SessionDiagnosis> = authClient.diagnose()
// @ts-expect-error signInURL takes options, not a URL
export const f = authClient.signInURL('oidc', 'https://docs.example.com/')
`,
    )
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
        },
        files: ['verify-snippet.ts', 'src/lib/auth.ts', 'src/lib/sign-in.ts', 'probes.ts'],
      }),
    )
    const result = spawnSync(TSC, ['-p', project], { cwd: project, encoding: 'utf8', timeout: 60_000 })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  })

  it("bundles the documentation's client file for the browser", async () => {
    mkdirSync(join(project, 'src/lib'), { recursive: true })
    writeFileSync(join(project, 'src/lib/auth.ts'), clientCode())
    writeFileSync(
      join(project, 'page.ts'),
      "import { authClient } from './src/lib/auth.ts'\nObject.assign(window, { authClient })\n",
    )
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['page.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs).toContain('node_modules/edge-auth/dist/package/client.mjs')
    expect(inputs.some((input) => input.startsWith('node_modules/better-auth/'))).toBe(true)
    expect(inputs.filter((input) => input.startsWith('node_modules/jose/'))).toEqual([])
    expect(result.outputFiles[0]!.text).not.toMatch(/\bfrom\s*["']node:/)
  })

  it('creates the client on Node with no browser globals, and diagnoses against the service', async () => {
    const script = `import { createEdgeAuthClient } from 'edge-auth/client'
const authClient = createEdgeAuthClient({ baseURL: ${JSON.stringify(running.service.url)} })
console.log(JSON.stringify({
  window: typeof window,
  handoff: await authClient.handoff(),
  token: authClient.bearerToken(),
  diagnosis: await authClient.diagnose(),
}))
`
    const result = await spawnAsync(node.path, ['--input-type=module', '-e', script], { cwd: project, env })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      window: 'undefined',
      handoff: { status: 'none' },
      token: null,
      diagnosis: {
        status: 'no_credentials',
        credential: null,
        causes: [expect.objectContaining({ code: 'no_session_cookie' })],
      },
    })
  })
})
