import { describe, expect, it } from 'vitest'
import { shareInFlight } from './key-store.ts'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('shareInFlight', () => {
  it('lets concurrent callers share one call, and calls again once it settled', async () => {
    let calls = 0
    const pending = deferred<string>()
    const shared = shareInFlight(async (label: string) => {
      calls += 1
      return `${label}:${await pending.promise}`
    }, 1_000)
    const results = Promise.all([shared('a'), shared('b'), shared('c')])
    pending.resolve('keys')
    expect(await results).toEqual(['a:keys', 'a:keys', 'a:keys'])
    expect(calls).toBe(1)
    await shared('d')
    expect(calls).toBe(2)
  })

  it('makes a waiter call with its own arguments when the shared call takes too long', async () => {
    const never = new Promise<string>(() => {})
    const shared = shareInFlight(async (label: string) => (label === 'stuck' ? never : `own:${label}`), 20)
    void shared('stuck')
    expect(await shared('waiter')).toBe('own:waiter')
  })

  it('makes a waiter call itself when the shared call fails', async () => {
    const failing = deferred<string>()
    const shared = shareInFlight(async (label: string) => (label === 'first' ? failing.promise : `own:${label}`), 1_000)
    const first = shared('first')
    const waiter = shared('second')
    failing.reject(new Error('request cancelled'))
    await expect(first).rejects.toThrow('request cancelled')
    expect(await waiter).toBe('own:second')
  })
})
