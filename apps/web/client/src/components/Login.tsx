import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import type { DiffSession } from '../lib/diff-session';

export function Login(props: {
  session: DiffSession;
  demo: { user: string; password: string } | null;
}) {
  const { t } = useI18n();
  const [user, setUser] = useState(props.demo?.user ?? '');
  const [password, setPassword] = useState(props.demo?.password ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    props.session.login(user, password).then(
      () => setBusy(false),
      (reason: unknown) => {
        setBusy(false);
        setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
  };

  return (
    <div className="login">
      <form className="card login-card" onSubmit={submit} aria-label={t('signIn')}>
        <h1>
          <span className="logo">◆</span> QAUTLRA
        </h1>
        <p className="muted">期货 · A股 量化交易平台 — futures &amp; A-share trading</p>
        <label>
          {t('user')}
          <input
            name="user"
            autoComplete="username"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            required
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <div className="error" role="alert">
            {t('loginFailed')}: {error}
          </div>
        )}
        <button className="primary" type="submit" disabled={busy}>
          {busy ? '…' : t('signIn')}
        </button>
        {props.demo && (
          <p className="demo-hint">
            {t('demoHint')}: <code>{props.demo.user}</code> / <code>{props.demo.password}</code>
          </p>
        )}
      </form>
    </div>
  );
}
