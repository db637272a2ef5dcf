import Layout from '@theme/Layout'
import { type FormEvent, useEffect, useState } from 'react'
import { useAuthSession } from '../components/useAuthSession'
import { authClient } from '../lib/auth'

const CHECK_INBOX = 'Check your email for a link to finish signing up (npm run dev: the inbox is http://localhost:1080).'

/** A verification link that failed comes back here with BetterAuth's `?error=` (TOKEN_EXPIRED, INVALID_TOKEN, …). */
function linkError(): string | null {
  const error = new URLSearchParams(window.location.search).get('error')
  return error ? `That link did not work (${error}): sign in to get a fresh one.` : null
}

export default function SignIn() {
  const { data, isPending } = useAuthSession()
  const [message, setMessage] = useState<string | null>(null)
  useEffect(() => setMessage(linkError()), [])

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const email = String(form.get('email'))
    const password = String(form.get('password'))
    const action = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value')
    if (action === 'sign-up') {
      // The mailed link verifies the address, signs in on the service, and comes back to this page.
      const callbackURL = `${window.location.origin}/sign-in`
      const { data, error } = await authClient.signUp.email({ email, password, name: email.split('@')[0] ?? email, callbackURL })
      if (error) return setMessage(`${error.code ?? error.status}: ${error.message ?? error.statusText}`)
      // No session until the address is confirmed (EMAIL_VERIFICATION=required, as with npm run dev's maildev).
      return setMessage(data?.token ? null : CHECK_INBOX)
    }
    const { error } = await authClient.signIn.email({ email, password })
    if (error?.code === 'EMAIL_NOT_VERIFIED') return setMessage(`Confirm your address first. ${CHECK_INBOX}`)
    setMessage(error ? `${error.code ?? error.status}: ${error.message ?? error.statusText}` : null)
  }

  return (
    <Layout title="Sign in">
      <main className="container margin-vert--lg" style={{ maxWidth: 480 }}>
        <h1>Sign in</h1>
        {isPending ? (
          <p>Checking your session…</p>
        ) : data ? (
          <p>
            Signed in as <strong>{data.user.email}</strong>.{' '}
            <button type="button" className="button button--secondary" onClick={() => authClient.signOut()}>
              Sign out
            </button>
          </p>
        ) : (
          <form onSubmit={submit}>
            <p>
              <label>
                Email <input name="email" type="email" required autoComplete="email" />
              </label>
            </p>
            <p>
              <label>
                Password <input name="password" type="password" required minLength={8} autoComplete="current-password" />
              </label>
            </p>
            <button className="button button--primary" type="submit" value="sign-in">
              Sign in
            </button>{' '}
            <button className="button button--secondary" type="submit" value="sign-up">
              Sign up
            </button>
          </form>
        )}
        {message ? <p role="alert">{message}</p> : null}
      </main>
    </Layout>
  )
}
