import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { FundTable } from './funds/FundTable';
import { ImportOutcomePanel } from './funds/ImportOutcomePanel';
import {
  importNav,
  type ImportOutcome,
  LOWER_IS_BETTER,
  metricKey,
  type Preset,
  PRESETS,
  useFundMetrics,
  useProducts,
} from './funds/fund-data';

/**
 * Fund performance: the products of fund analytics with their key statistics under a chosen
 * convention, sortable; a product's or a comparison's tear sheet beside them; NAV import with
 * every problem of a rejected file shown where it is.
 */
export function FundsView(props: { rest: string }) {
  const { t, lang } = useI18n();
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
  // The product list is read again after an import (`listed` counts the reads asked for).
  const [listed, setListed] = useState(0);
  const { products, failure } = useProducts(props.rest, listed);
  const { metrics, reset } = useFundMetrics(props.rest, products, preset);

  useEffect(() => {
    localStorage.setItem('qautlra.fund.preset', preset);
  }, [preset]);
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
    const result = await importNav(props.rest, chosen);
    setOutcome(result);
    if (result.ok) {
      // New NAVs: every statistic is asked for again with the list.
      reset();
      setListed((n) => n + 1);
    }
    setBusy(false);
    if (file.current) file.current.value = '';
  };

  const sortBy = (key: string) =>
    setSort((s) =>
      s.key === key
        ? { key, desc: !s.desc }
        : { key, desc: key === 'code' ? false : !LOWER_IS_BETTER.has(key) },
    );
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
        {outcome && <ImportOutcomePanel outcome={outcome} onClose={() => setOutcome(undefined)} />}
        <div className="table-scroll">
          {failure ? (
            <p className="empty-note" data-testid="fund-failure">
              {t('fundsDown')} ({failure})
            </p>
          ) : products && products.length === 0 ? (
            <p className="empty-note">{t('noFunds')}</p>
          ) : (
            <FundTable
              rows={rows}
              metrics={metrics}
              preset={preset}
              sort={sort}
              onSort={sortBy}
              picked={picked}
              onPick={(code, on) =>
                setPicked((s) => {
                  const next = new Set(s);
                  if (on) next.add(code);
                  else next.delete(code);
                  return next;
                })
              }
              selected={shown?.kind === 'product' ? shown.code : undefined}
              onSelect={(code) => setSheet({ kind: 'product', code })}
            />
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
