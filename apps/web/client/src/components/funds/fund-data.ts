import { useEffect, useRef, useState } from 'react';
import type { Key } from '../../i18n';
import { isRecord, percent } from '../../lib/format';

/** The conventions fund analytics knows (libs/analytics presets). */
export const PRESETS = ['quantstats', 'empyrical', 'pyfolio', 'tqsdk', 'vnpy'] as const;
export type Preset = (typeof PRESETS)[number];

export interface Product {
  code: string;
  name: string;
  points: number;
  first: string;
  last: string;
}

export type Metrics = Record<string, number | null>;
export const metricKey = (preset: string, code: string) => `${preset}/${code}`;

/** Statistics in the table: the tear sheet's KPI cards, keyed by their quantstats names. */
export const COLUMNS: { key: string; label: Key; format: 'pct' | 'ratio' }[] = [
  { key: 'comp', label: 'cumulative', format: 'pct' },
  { key: 'cagr', label: 'cagr', format: 'pct' },
  { key: 'sharpe', label: 'sharpe', format: 'ratio' },
  { key: 'sortino', label: 'sortino', format: 'ratio' },
  { key: 'max_drawdown', label: 'maxDrawdown', format: 'pct' },
  { key: 'volatility', label: 'volatilityAnn', format: 'pct' },
  { key: 'calmar', label: 'calmar', format: 'ratio' },
];

/** Where a lower value ranks first (the service's own default order for these). */
export const LOWER_IS_BETTER = new Set(['volatility']);

export interface Problem {
  sheet?: string;
  row?: number;
  column?: string;
  reason: string;
}

export type ImportOutcome =
  | { ok: true; products: { code: string; added: number; changed: number; created: boolean }[] }
  | { ok: false; message: string; problems: Problem[] };

export const formatValue = (value: number | null | undefined, format: 'pct' | 'ratio') =>
  value === null || value === undefined
    ? '–'
    : format === 'pct'
      ? percent(value)
      : value.toFixed(2);

/** The message of a REST error body (the platform's `{code, message}` shape), else the status. */
export const messageOf = (body: unknown, status: number) =>
  isRecord(body) && typeof body.message === 'string' ? body.message : `HTTP ${status}`;

export async function errorText(response: Response): Promise<string> {
  return messageOf(await response.json().catch(() => undefined), response.status);
}

/** Runs `task` over `items` with at most `limit` at a time. */
export async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  const queue = items.slice();
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The product list, read again whenever `listed` changes (after an import); or why it failed. */
export function useProducts(rest: string, listed: number) {
  const [products, setProducts] = useState<Product[]>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    let cancelled = false;
    fetch(`${rest}/products`)
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
  }, [rest, listed]);
  return { products, failure };
}

/**
 * Statistics per product and convention, each asked for once (a few requests at a time):
 * switching back to a convention shows its figures without asking again. `reset` starts over
 * (after an import).
 */
export function useFundMetrics(rest: string, products: Product[] | undefined, preset: Preset) {
  const [metrics, setMetrics] = useState<Record<string, Metrics | string>>({});
  const requested = useRef(new Set<string>());
  const round = useRef(0);
  useEffect(() => {
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
          `${rest}/products/${encodeURIComponent(product.code)}/metrics?${query.toString()}`,
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
  }, [products, preset, rest]);
  const reset = () => {
    round.current += 1;
    requested.current.clear();
    setMetrics({});
  };
  return { metrics, reset };
}

/** Uploads a NAV file to `POST /products/import`; the outcome with every problem of a refusal. */
export async function importNav(rest: string, chosen: File): Promise<ImportOutcome> {
  try {
    const form = new FormData();
    form.append('file', chosen, chosen.name);
    const response = await fetch(`${rest}/products/import`, { method: 'POST', body: form });
    const body: unknown = await response.json().catch(() => ({}));
    if (response.ok && isRecord(body) && Array.isArray(body.products))
      return { ok: true, products: body.products as never };
    return {
      ok: false,
      message: messageOf(body, response.status),
      problems: isRecord(body) && Array.isArray(body.problems) ? (body.problems as Problem[]) : [],
    };
  } catch (error) {
    return { ok: false, message: (error as Error).message, problems: [] };
  }
}
