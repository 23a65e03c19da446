import { useI18n } from '../../i18n';
import { COLUMNS, formatValue, metricKey, type Metrics, type Product } from './fund-data';

/** The products with their statistics under a convention: sortable, pickable for a comparison. */
export function FundTable(props: {
  rows: Product[];
  metrics: Record<string, Metrics | string>;
  preset: string;
  sort: { key: string; desc: boolean };
  onSort: (key: string) => void;
  picked: ReadonlySet<string>;
  onPick: (code: string, picked: boolean) => void;
  selected?: string;
  onSelect: (code: string) => void;
}) {
  const { t } = useI18n();
  const { rows, metrics, preset, sort, picked } = props;
  const arrow = (key: string) => (sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : '');
  return (
    <table className="grid-table" data-testid="fund-table">
      <thead>
        <tr>
          <th />
          <th onClick={() => props.onSort('code')} className="sortable">
            {t('product')}
            {arrow('code')}
          </th>
          <th className="num wide-only">{t('navPoints')}</th>
          {COLUMNS.map((c) => (
            <th
              key={c.key}
              className="num sortable"
              onClick={() => props.onSort(c.key)}
              data-sort={c.key}
            >
              {t(c.label)}
              {arrow(c.key)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => {
          const m = metrics[metricKey(preset, p.code)];
          return (
            <tr
              key={p.code}
              data-code={p.code}
              className={props.selected === p.code ? 'selected' : ''}
              onClick={() => props.onSelect(p.code)}
            >
              <td onClick={(event) => event.stopPropagation()}>
                <input
                  type="checkbox"
                  aria-label={`${t('compare')} ${p.code}`}
                  checked={picked.has(p.code)}
                  onChange={(event) => props.onPick(p.code, event.target.checked)}
                />
              </td>
              <td>
                <span className="sym">{p.code}</span> <span className="dim">{p.name}</span>
                <div className="dim small">
                  {p.first} → {p.last}
                </div>
              </td>
              <td className="num dim wide-only">{p.points}</td>
              {COLUMNS.map((c) => {
                const v = typeof m === 'object' ? m[c.key] : undefined;
                const tone =
                  typeof v === 'number' && (c.key === 'comp' || c.key === 'cagr')
                    ? v >= 0
                      ? 'up'
                      : 'down'
                    : '';
                return (
                  <td
                    key={c.key}
                    className={`num ${tone}`}
                    data-metric={c.key}
                    title={typeof m === 'string' ? m : undefined}
                  >
                    {m === undefined ? '…' : formatValue(v, c.format)}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
