import Layout from '@theme/Layout'
import { type FormEvent, useState } from 'react'
import { useAuthSession } from '../components/useAuthSession'
import { authClient } from '../lib/auth'

export default function SignIn() {
  const { data, isPending } = useAuthSession()
  const [message, setMessage] = useState<string | null>(null)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const email = String(form.get('email'))
    const password = String(form.get('password'))
    const action = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value')
    const { error } =
      action === 'sign-up'
        ? await authClient.signUp.email({ email, password, name: email.split('@')[0] ?? email })
        : await authClient.signIn.email({ email, password })
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
