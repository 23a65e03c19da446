import { useI18n, type Key } from '../i18n';

const TONE: Record<string, string> = {
  connected: 'ok',
  ready: 'ok',
  connecting: 'warn',
  reconnecting: 'warn',
  degraded: 'bad',
  'signed-out': 'bad',
};

/** A connection state, always visible: green up, amber trying, red down. */
export function StatusPill(props: { label: string; state: string; detail?: string }) {
  const { t } = useI18n();
  const key: Key =
    props.state === 'ready'
      ? 'connected'
      : props.state === 'signed-out'
        ? 'signedOut'
        : (props.state as Key);
  return (
    <span
      className={`pill ${TONE[props.state] ?? 'warn'}`}
      title={props.detail}
      data-testid={`status-${props.label}`}
      data-state={props.state}
    >
      <span className="dot" />
      {props.label === 'market' ? t('market') : t('trade')}: {t(key)}
    </span>
  );
}
