/**
 * A throwaway self-signed TLS certificate for browser tests, made with the machine's openssl
 * into a temporary directory. The browser accepts it only with --ignore-certificate-errors.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificate {
  /** PEM private key. */
  readonly key: string
  /** PEM certificate whose subjectAltName lists every host given. */
  readonly cert: string
  remove(): void
}

/**
 * @example
 * const tls = makeCertificate(['auth.site.test', 'docs.site.test'])
 * https.createServer({ key: tls.key, cert: tls.cert }, handler)
 */
export function makeCertificate(hosts: readonly string[]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-tls-'))
  const keyPath = join(dir, 'key.pem')
  const certPath = join(dir, 'cert.pem')
  const altNames = hosts.map((host) => (/^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-subj',
      '/CN=edge-auth browser tests',
      '-addext',
      `subjectAltName=${altNames}`,
    ],
    { stdio: 'pipe' },
  )
  return {
    key: readFileSync(keyPath, 'utf8'),
    cert: readFileSync(certPath, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
