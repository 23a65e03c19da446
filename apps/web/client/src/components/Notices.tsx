import { useEffect } from 'react';
import { plainNotice, useI18n } from '../i18n';
import type { DiffSession } from '../lib/diff-session';
import { useObservable } from '../lib/hooks';

/** The trade server's notices as toasts: refusals in plain words; info fades, warnings stay. */
export function Notices(props: { session: DiffSession }) {
  const { lang } = useI18n();
  useObservable(props.session);
  const { notices } = props.session;
  useEffect(() => {
    const timers = notices
      .filter((n) => n.level === 'INFO')
      .map((n) => setTimeout(() => props.session.dismiss(n.id), 4000));
    return () => timers.forEach(clearTimeout);
  }, [notices, props.session]);
  return (
    <div className="notices" aria-live="polite">
      {notices.slice(-4).map((n) => (
        <div
          key={n.id}
          className={`notice ${n.level.toLowerCase()}`}
          role={n.level === 'INFO' ? 'status' : 'alert'}
        >
          <span>{plainNotice(n.text, lang)}</span>
          <button className="icon" aria-label="dismiss" onClick={() => props.session.dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
