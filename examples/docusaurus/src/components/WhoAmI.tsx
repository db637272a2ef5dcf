import { useEffect, useState } from 'react'
import { authClient } from '../lib/auth'
import { useAuthSession } from './useAuthSession'

const style = {
  position: 'fixed',
  right: 16,
  bottom: 16,
  padding: '8px 12px',
  borderRadius: 8,
  background: 'var(--ifm-color-emphasis-200)',
  font: '14px system-ui, sans-serif',
  zIndex: 100,
} as const

/** "Who am I": the signed-in user, or why there is none (the service's diagnosis). */
export default function WhoAmI() {
  const { data, isPending } = useAuthSession()
  const [why, setWhy] = useState<string | null>(null)
  const [handoffError, setHandoffError] = useState<string | null>(null)

  useEffect(() => {
    authClient.handoff().then((result) => {
      if (result.status === 'failed') setHandoffError(`${result.error.code}: ${result.error.message}`)
    })
  }, [])

  useEffect(() => {
    setWhy(null)
    if (isPending || data) return
    let current = true
    authClient.diagnose().then((diagnosis) => {
      if (current) setWhy(diagnosis.causes[0]?.code ?? diagnosis.status)
    })
    return () => {
      current = false
    }
  }, [isPending, data])

  return (
    <div style={style} data-testid="who-am-i">
      {isPending ? 'Checking your session…' : data ? `Signed in as ${data.user.email}` : `Signed out${why ? ` (${why})` : ''}`}
      {handoffError ? <div>{handoffError}</div> : null}
    </div>
  )
}
