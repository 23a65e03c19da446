import { useI18n } from '../../i18n';
import type { ImportOutcome } from './fund-data';

/** What an import did: the products it changed, or every problem of a refused file where it is. */
export function ImportOutcomePanel(props: { outcome: ImportOutcome; onClose: () => void }) {
  const { t } = useI18n();
  const outcome = props.outcome;
  return (
    <div className={`import-outcome ${outcome.ok ? 'ok' : 'bad'}`} data-testid="fund-outcome">
      <button className="small" onClick={props.onClose} aria-label="close">
        ×
      </button>
      {outcome.ok ? (
        <span>
          {t('imported')}:{' '}
          {outcome.products
            .map((p) => `${p.code} +${p.added}${p.changed ? ` ~${p.changed}` : ''}`)
            .join(', ')}
        </span>
      ) : (
        <>
          <span>
            {t('importRejected')}: {outcome.message}
          </span>
          {outcome.problems.length > 0 && (
            <table className="grid-table compact" data-testid="fund-problems">
              <thead>
                <tr>
                  <th>{t('sheet')}</th>
                  <th className="num">{t('row')}</th>
                  <th>{t('column')}</th>
                  <th>{t('reason')}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.problems.slice(0, 50).map((p, i) => (
                  <tr key={i}>
                    <td>{p.sheet ?? ''}</td>
                    <td className="num">{p.row ?? ''}</td>
                    <td>{p.column ?? ''}</td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
