import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n, type Key } from '../i18n';
import { isRecord, percent } from '../lib/format';

/** The conventions fund analytics knows (libs/analytics presets). */
const PRESETS = ['quantstats', 'empyrical', 'pyfolio', 'tqsdk', 'vnpy'] as const;
type Preset = (typeof PRESETS)[number];

interface Product {
  code: string;
  name: string;
  points: number;
  first: string;
  last: string;
}

type Metrics = Record<string, number | null>;
const metricKey = (preset: string, code: string) => `${preset}/${code}`;

/** Statistics in the table: the tear sheet's KPI cards, keyed by their quantstats names. */
const COLUMNS: { key: string; label: Key; format: 'pct' | 'ratio' }[] = [
  { key: 'comp', label: 'cumulative', format: 'pct' },
  { key: 'cagr', label: 'cagr', format: 'pct' },
  { key: 'sharpe', label: 'sharpe', format: 'ratio' },
  { key: 'sortino', label: 'sortino', format: 'ratio' },
  { key: 'max_drawdown', label: 'maxDrawdown', format: 'pct' },
  { key: 'volatility', label: 'volatilityAnn', format: 'pct' },
  { key: 'calmar', label: 'calmar', format: 'ratio' },
];

/** Where a lower value ranks first (the service's own default order for these). */
const LOWER_IS_BETTER = new Set(['volatility']);

interface Problem {
  sheet?: string;
  row?: number;
  column?: string;
  reason: string;
}

type ImportOutcome =
  | { ok: true; products: { code: string; added: number; changed: number; created: boolean }[] }
  | { ok: false; message: string; problems: Problem[] };

const formatValue = (value: number | null | undefined, format: 'pct' | 'ratio') =>
  value === null || value === undefined
    ? '–'
    : format === 'pct'
      ? percent(value)
      : value.toFixed(2);

/** The message of a REST error body (the platform's `{code, message}` shape), else the status. */
const messageOf = (body: unknown, status: number) =>
  isRecord(body) && typeof body.message === 'string' ? body.message : `HTTP ${status}`;

async function errorText(response: Response): Promise<string> {
  return messageOf(await response.json().catch(() => undefined), response.status);
}

/** Runs `task` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  const queue = items.slice();
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Fund performance: the products of fund analytics with their key statistics under a chosen
 * convention, sortable; a product's or a comparison's tear sheet beside them; NAV import with
 * every problem of a rejected file shown where it is.
 */
export function FundsView(props: { rest: string }) {
  const { t, lang } = useI18n();
  const [products, setProducts] = useState<Product[]>();
  const [failure, setFailure] = useState<string>();
  const [metrics, setMetrics] = useState<Record<string, Metrics | string>>({});
  const [preset, setPreset] = useState<Preset>(() => {
    const kept = localStorage.getItem('qautlra.fund.preset');
    return PRESETS.find((p) => p === kept) ?? 'quantstats';
  });
  const [chosenBenchmark, setBenchmark] = useState(
    () => localStorage.getItem('qautlra.fund.benchmark') ?? '',
  );
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'sharpe', desc: true });
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [sheet, setSheet] = useState<{ kind: 'product'; code: string } | { kind: 'compare' }>();
  const [outcome, setOutcome] = useState<ImportOutcome>();
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  // The product list, read again after an import (`listed` counts the reads asked for).
  const [listed, setListed] = useState(0);
  useEffect(() => {
    let cancelled = false;
    fetch(`${props.rest}/products`)
      .then(async (response) => {
        if (!response.ok) throw new Error(await errorText(response));
        return (await response.json()) as Product[];
      })
      .then(
        (list) => {
          if (cancelled) return;
          setProducts(list);
          setFailure(undefined);
        },
        (error: Error) => {
          if (!cancelled) setFailure(error.message);
        },
      );
    return () => {
      cancelled = true;
    };
  }, [props.rest, listed]);

  // Statistics per product and convention, each asked for once (a few requests at a time): switching
  // back to a convention shows its figures without asking again. An import starts over (`round`).
  const requested = useRef(new Set<string>());
  const round = useRef(0);
  useEffect(() => {
    localStorage.setItem('qautlra.fund.preset', preset);
    if (!products) return;
    const started = round.current;
    const missing = products.filter((p) => !requested.current.has(metricKey(preset, p.code)));
    for (const p of missing) requested.current.add(metricKey(preset, p.code));
    void eachLimited(missing, 4, async (product) => {
      const key = metricKey(preset, product.code);
      let value: Metrics | string;
      try {
        const query = new URLSearchParams({ preset });
        const response = await fetch(
          `${props.rest}/products/${encodeURIComponent(product.code)}/metrics?${query.toString()}`,
        );
        value = response.ok
          ? ((await response.json()) as { metrics: Metrics }).metrics
          : await errorText(response);
      } catch (error) {
        value = (error as Error).message;
      }
      if (started !== round.current) return; // the products were imported again meanwhile
      if (typeof value === 'string') requested.current.delete(key); // asked again next time
      setMetrics((m) => ({ ...m, [key]: value }));
    });
  }, [products, preset, props.rest]);

  useEffect(() => {
    localStorage.setItem('qautlra.fund.benchmark', chosenBenchmark);
  }, [chosenBenchmark]);

  // A remembered benchmark that is no longer a product counts as none.
  const benchmark = products?.some((p) => p.code === chosenBenchmark) ? chosenBenchmark : '';

  const rows = useMemo(() => {
    const value = (code: string) => {
      const m = metrics[metricKey(preset, code)];
      const v = typeof m === 'object' ? m[sort.key] : undefined;
      return typeof v === 'number' ? v : undefined;
    };
    return (products ?? []).slice().sort((a, b) => {
      if (sort.key === 'code')
        return sort.desc ? b.code.localeCompare(a.code) : a.code.localeCompare(b.code);
      const x = value(a.code);
      const y = value(b.code);
      if (x === undefined || y === undefined)
        return x === undefined ? (y === undefined ? 0 : 1) : -1;
      return sort.desc ? y - x : x - y;
    });
  }, [products, metrics, sort, preset]);

  // Until one is picked, the sheet of the table's first row once every statistic is in (so that
  // the frame does not reload while the rows settle).
  const loaded =
    products !== undefined &&
    products.every((p) => metrics[metricKey(preset, p.code)] !== undefined);
  const shown: typeof sheet =
    sheet ?? (loaded && rows[0] ? { kind: 'product', code: rows[0].code } : undefined);

  const sheetUrl = (() => {
    const sheet = shown;
    if (!sheet) return undefined;
    const query = new URLSearchParams({ preset });
    let path: string;
    if (sheet.kind === 'product') {
      if (benchmark && benchmark !== sheet.code) query.set('benchmark', benchmark);
      path = `products/${encodeURIComponent(sheet.code)}/report`;
    } else {
      const codes = rows
        .map((r) => r.code)
        .filter((code) => picked.has(code) && code !== benchmark);
      query.set('codes', codes.join(','));
      if (benchmark) query.set('benchmark', benchmark);
      if (sort.key !== 'code') query.set('rank_by', sort.key);
      path = 'compare/report';
    }
    // The sheet in the page's language, with the page's colours: gains red as on the trading
    // screen and the table beside the sheet, in English too.
    if (lang === 'zh') query.set('lang', 'zh');
    query.set('gains', 'red');
    return `${props.rest}/${path}?${query.toString()}`;
  })();

  const upload = async (chosen: File) => {
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', chosen, chosen.name);
      const response = await fetch(`${props.rest}/products/import`, { method: 'POST', body: form });
      const body: unknown = await response.json().catch(() => ({}));
      if (response.ok && isRecord(body) && Array.isArray(body.products)) {
        setOutcome({ ok: true, products: body.products as never });
        // New NAVs: every statistic is asked for again with the list.
        round.current += 1;
        requested.current.clear();
        setMetrics({});
        setListed((n) => n + 1);
      } else {
        setOutcome({
          ok: false,
          message: messageOf(body, response.status),
          problems:
            isRecord(body) && Array.isArray(body.problems) ? (body.problems as Problem[]) : [],
        });
      }
    } catch (error) {
      setOutcome({ ok: false, message: (error as Error).message, problems: [] });
    } finally {
      setBusy(false);
      if (file.current) file.current.value = '';
    }
  };

  const sortBy = (key: string) =>
    setSort((s) =>
      s.key === key
        ? { key, desc: !s.desc }
        : { key, desc: key === 'code' ? false : !LOWER_IS_BETTER.has(key) },
    );
  const arrow = (key: string) => (sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : '');
  const comparable = rows.filter((r) => picked.has(r.code) && r.code !== benchmark).length;

  return (
    <main className="funds" data-testid="funds">
      <section className="card fund-list">
        <div className="card-head">
          <h2>{t('funds')}</h2>
          <label className="head-field">
            {t('convention')}
            <select
              value={preset}
              onChange={(event) => setPreset(event.target.value as Preset)}
              data-testid="fund-preset"
            >
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label className="head-field">
            {t('benchmark')}
            <select
              value={benchmark}
              onChange={(event) => setBenchmark(event.target.value)}
              data-testid="fund-benchmark"
            >
              <option value="">{t('noBenchmark')}</option>
              {(products ?? []).map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} {p.name}
                </option>
              ))}
            </select>
          </label>
          <span className="grow" />
          <button
            disabled={comparable < 2}
            onClick={() => setSheet({ kind: 'compare' })}
            data-testid="fund-compare"
          >
            {t('compare')} ({comparable})
          </button>
          <button disabled={busy} onClick={() => file.current?.click()} data-testid="fund-import">
            {busy ? t('importing') : t('importNav')}
          </button>
          <input
            ref={file}
            type="file"
            accept=".xlsx,.csv"
            hidden
            data-testid="fund-file"
            onChange={(event) => {
              const chosen = event.target.files?.[0];
              if (chosen) void upload(chosen);
            }}
          />
        </div>
        {outcome && (
          <div className={`import-outcome ${outcome.ok ? 'ok' : 'bad'}`} data-testid="fund-outcome">
            <button className="small" onClick={() => setOutcome(undefined)} aria-label="close">
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
        )}
        <div className="table-scroll">
          {failure ? (
            <p className="empty-note" data-testid="fund-failure">
              {t('fundsDown')} ({failure})
            </p>
          ) : products && products.length === 0 ? (
            <p className="empty-note">{t('noFunds')}</p>
          ) : (
            <table className="grid-table" data-testid="fund-table">
              <thead>
                <tr>
                  <th />
                  <th onClick={() => sortBy('code')} className="sortable">
                    {t('product')}
                    {arrow('code')}
                  </th>
                  <th className="num wide-only">{t('navPoints')}</th>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.key}
                      className="num sortable"
                      onClick={() => sortBy(c.key)}
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
                      className={
                        shown?.kind === 'product' && shown.code === p.code ? 'selected' : ''
                      }
                      onClick={() => setSheet({ kind: 'product', code: p.code })}
                    >
                      <td onClick={(event) => event.stopPropagation()}>
                        <input
                          type="checkbox"
                          aria-label={`${t('compare')} ${p.code}`}
                          checked={picked.has(p.code)}
                          onChange={(event) =>
                            setPicked((s) => {
                              const next = new Set(s);
                              if (event.target.checked) next.add(p.code);
                              else next.delete(p.code);
                              return next;
                            })
                          }
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
          )}
        </div>
      </section>
      <section className="card fund-sheet">
        <div className="card-head">
          <h2>
            {shown?.kind === 'compare'
              ? t('comparisonSheet')
              : shown
                ? `${t('tearSheet')} · ${shown.code}`
                : t('tearSheet')}
          </h2>
          <span className="grow" />
          {sheetUrl && (
            <a href={sheetUrl} target="_blank" rel="noreferrer" className="small">
              {t('openNewTab')}
            </a>
          )}
        </div>
        {sheetUrl ? (
          <iframe title={t('tearSheet')} src={sheetUrl} data-testid="fund-sheet" />
        ) : (
          <p className="empty-note">{t('pickFund')}</p>
        )}
      </section>
    </main>
  );
}
