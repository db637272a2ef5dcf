import Link from '@docusaurus/Link'
import Layout from '@theme/Layout'

export default function Home() {
  return (
    <Layout title="Home">
      <main className="container margin-vert--lg">
        <h1>edge-auth + Docusaurus</h1>
        <p>
          This site signs in against the edge-auth service on <code>http://localhost:8787</code> through{' '}
          <code>edge-auth/client</code> (<code>src/lib/auth.ts</code>). The badge in the corner says who you are, or
          why nobody is signed in.
        </p>
        <p>
          <Link to="/sign-in">Sign in or sign up</Link>
        </p>
      </main>
    </Layout>
  )
}
