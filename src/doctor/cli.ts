/**
 * `edge-auth doctor <service-url> --origin <frontend-origin> [--health-token T] [--email E --password P]`
 * Prints each check, each problem with its fix, and exits 1 when there is a problem.
 */
import { parseArgs } from 'node:util'
import { type Finding, runDoctor } from './checks.ts'

const USAGE =
  'usage: edge-auth doctor <service-url> --origin <frontend-origin> [--health-token <token>] [--email <email> --password <password>]'

const HELP = `${USAGE}

Checks a running edge-auth deployment from the outside, as a browser on the frontend would meet it:
the CORS preflight and credentials, /health/auth (configuration, secret, database, migrations,
signing key), and the cookie mode against the frontend's site. Given --email and --password it also
signs in, inspects the session cookie and signs out again. Without --health-token it sees only what
/health/auth shows anyone (status, secret length, database reachability, cookie mode) and says so.

  <service-url>        the service's public URL, e.g. https://auth.example.com
  --origin <origin>    the frontend's origin, e.g. https://docs.example.com
  --health-token <t>   the service's HEALTH_TOKEN, for the full /health/auth
  --email, --password  an existing user's credentials, for the sign-in check
  -h, --help           print this help

Prints each check and each problem with its fix; exits 1 when there is a problem, 2 on bad usage.`

function print(finding: Finding) {
  const mark = finding.ok ? 'ok  ' : 'FAIL'
  console.log(`${mark} ${finding.check}: ${finding.message}`)
  if (!finding.ok && finding.fix) console.log(`     fix: ${finding.fix}`)
}

const OPTIONS = {
  origin: { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  'health-token': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS })
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const [command, serviceUrl] = parsed.positionals
  const { origin, email, password, help, 'health-token': healthToken } = parsed.values
  if (help && (command === undefined || command === 'doctor')) {
    console.log(HELP)
    return 0
  }
  if (command !== 'doctor' || !serviceUrl || !origin) {
    console.error(USAGE)
    return 2
  }
  let service: URL
  let frontend: URL
  try {
    service = new URL(serviceUrl)
    frontend = new URL(origin)
  } catch {
    console.error(`the service URL and --origin must be absolute URLs\n${USAGE}`)
    return 2
  }
  const findings = await runDoctor({
    serviceUrl: service.origin,
    origin: frontend.origin,
    email,
    password,
    healthToken,
  })
  findings.forEach(print)
  const problems = findings.filter((f) => !f.ok).length
  console.log(problems === 0 ? '\nNo problems found.' : `\n${problems} problem${problems === 1 ? '' : 's'} found.`)
  return problems === 0 ? 0 : 1
}
