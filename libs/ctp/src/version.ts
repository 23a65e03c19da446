import { layoutsModule, type CtpLayout } from './catalog';

/**
 * Which layout drives a library reporting `version` (its `GetApiVersion()`), or why none does. SFIT's strings
 * look like `v6.6.7_20220613 14:52:04.1708`, openctp's like `openctp-sina v6.3.15`: 6.3.x up to 6.3.15 →
 * the 6.3.15 layout; 6.5.x–6.7.x → 6.5.1 (market data; spec market-data-sources §A.5); a string without a
 * version → 6.3.15 (its text shows in errors); anything else (6.3.16–6.3.19, later majors) → a problem.
 */
export function layoutForVersion(version: string): { layout?: CtpLayout; problem?: string } {
  return layoutsModule().layoutForVersion(version);
}

/** Why a library reporting `version` cannot be driven with `layout`, or undefined when it can. */
export function abiProblem(version: string, layout: CtpLayout = '6.3.15'): string | undefined {
  const fit = layoutForVersion(version);
  if (fit.layout === layout) return undefined;
  if (fit.layout)
    return `the library reports "${version}", which has the ${fit.layout} layout (struct layout and vtable order), and this session is set to ${layout}: it would be misread — leave the layout unset to follow the library, see docs/ctp.md`;
  return `the library reports "${version}": ${fit.problem}; it would be misread — use a 6.3.x (≤ 6.3.15) or 6.5.x–6.7.x library, see docs/ctp.md`;
}
