import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from './cli.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line))
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line))
  return { out, err }
}

afterEach(() => vi.restoreAllMocks())

describe('edge-auth CLI usage', () => {
  it.each([[['doctor', '--help']], [['--help']], [['-h']], [['doctor', 'https://auth.example.com', '--help']]])(
    '%j prints the help and exits 0 without checking anything',
    async (argv) => {
      const { out, err } = capture()
      expect(await main(argv)).toBe(0)
      expect(out.join('\n')).toMatch(/^usage: edge-auth doctor <service-url> --origin/)
      expect(out.join('\n')).toContain('--password')
      expect(err).toEqual([])
    },
  )

  it.each([[['doctor']], [['doctor', 'https://auth.example.com']], [['doctor', '--verbose']], [['other', '--help']]])(
    '%j prints the usage and exits 2',
    async (argv) => {
      const { err } = capture()
      expect(await main(argv)).toBe(2)
      expect(err.join('\n')).toContain('usage: edge-auth doctor')
    },
  )
})
