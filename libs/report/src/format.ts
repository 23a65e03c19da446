/** Formatting and escaping for the HTML reports. */
import { sheetWords } from './sheet-language';

import { escapeHtml } from '@qautlra/platform';

export { escapeHtml };

export type CellFormat = 'pct' | 'ratio' | 'int' | 'days' | 'text';

/** A value as the report prints it; `–` where it is undefined. */
export function formatCell(value: number | string | null | undefined, format: CellFormat): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'string') return escapeHtml(value);
  if (!Number.isFinite(value)) return '–';
  switch (format) {
    case 'pct':
      return `${(value * 100).toFixed(2)}%`;
    case 'ratio':
      return value.toFixed(2);
    case 'int':
      return String(Math.round(value));
    case 'days':
      return `${Math.round(value)}`;
    case 'text':
      return escapeHtml(String(value));
  }
}

/**
 * Background colour of a heat-map cell, stronger with |value| / scale: gains and losses in the
 * sheet's colours (green up, red down in English; red up, green down in Chinese).
 */
export function heatColor(
  value: number | null | undefined,
  scale: number,
  colours: { heatGain: string; heatLoss: string } = sheetWords(),
): string {
  if (value === null || value === undefined || !Number.isFinite(value) || scale <= 0)
    return 'transparent';
  const strength = Math.min(1, Math.abs(value) / scale);
  const alpha = (0.12 + 0.68 * strength).toFixed(2);
  return `rgba(${value >= 0 ? colours.heatGain : colours.heatLoss},${alpha})`;
}

const PERIODS = [
  { from: 200, adjective: 'Daily', noun: 'Day' },
  { from: 45, adjective: 'Weekly', noun: 'Week' },
  { from: 10, adjective: 'Monthly', noun: 'Month' },
  { from: 3, adjective: 'Quarterly', noun: 'Quarter' },
  { from: 0, adjective: 'Yearly', noun: 'Year' },
];

/** "Daily"/"Day", "Weekly"/"Week"… for the periods per year a convention uses. */
export function periodWords(periodsPerYear: number): { adjective: string; noun: string } {
  return PERIODS.find((period) => periodsPerYear >= period.from)!;
}
