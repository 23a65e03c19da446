/**
 * How a statistic is computed: periods per year, risk-free handling, standard deviation, VaR,
 * moment bias, alpha and annual-return definitions, and the NAV → returns first-point rule.
 * Every result names the convention it used (spec analytics-conventions §6, §8).
 */
export interface Convention {
  /** Preset name, or `custom`. */
  name: string;
  periodsPerYear: number;
  /** Simple (r = P1/P0 − 1) or log (ln P1/P0) returns from NAV. */
  returnType: 'simple' | 'log';
  /** Risk-free rate, annual unless `rfMode` is `per-period`. */
  riskFree: number;
  /**
   * `per-period`: rf used as given (empyrical); `annual-geometric`: (1 + rf)^(1/periods) − 1
   * (quantstats, TqSdk); `annual-arithmetic`: rf / periods; `annual-sqrt`: rf / √periods (vn.py).
   */
  rfMode: 'per-period' | 'annual-geometric' | 'annual-arithmetic' | 'annual-sqrt';
  /** Sample (ddof 1) or population (ddof 0) standard deviation. */
  std: 'sample' | 'population';
  /** `parametric`: normal quantile (quantstats); `historical`: 5th percentile (empyrical); `mean-2sigma` (pyfolio). */
  varMethod: 'parametric' | 'historical' | 'mean-2sigma';
  /** `below-var`: mean of returns below the VaR (quantstats); `lowest-tail`: mean of the lowest ⌊(n−1)·(1−c)⌋+1 (empyrical). */
  cvarMethod: 'below-var' | 'lowest-tail';
  /** VaR / CVaR confidence. */
  confidence: number;
  /** Skew and kurtosis bias-corrected (pandas, quantstats) or biased (scipy, pyfolio / empyrical users). */
  moments: 'unbiased' | 'biased';
  /** `arithmetic`: (mean(r) − β·mean(b))·periods (quantstats); `geometric`: (1 + mean(r − rf − β(b − rf)))^periods − 1 (empyrical). */
  alpha: 'arithmetic' | 'geometric';
  /** `cagr`: (1 + total)^(periods/n) − 1; `simple`: total / n · periods (vn.py). */
  annualReturn: 'cagr' | 'simple';
  /**
   * Probabilistic ratios: `bailey-lopez-de-prado` σ_SR with the raw kurtosis; `quantstats` that
   * library's formula, which passes the excess kurtosis where the raw one belongs.
   */
  psr: 'bailey-lopez-de-prado' | 'quantstats';
  /** NAV → returns: `zero` keeps the first point as a 0 return (quantstats); `drop` starts at the second point. */
  navFirstPoint: 'zero' | 'drop';
}

export const PRESET_NAMES = ['quantstats', 'empyrical', 'pyfolio', 'tqsdk', 'vnpy'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const QUANTSTATS: Convention = {
  name: 'quantstats',
  periodsPerYear: 252,
  returnType: 'simple',
  riskFree: 0,
  rfMode: 'annual-geometric',
  std: 'sample',
  varMethod: 'parametric',
  cvarMethod: 'below-var',
  confidence: 0.95,
  moments: 'unbiased',
  alpha: 'arithmetic',
  annualReturn: 'cagr',
  psr: 'quantstats',
  navFirstPoint: 'zero',
};

/** The anchors' conventions (spec §2–§6). quantstats is ≥ 0.0.70 (CAGR years = n / periods). */
export const PRESETS: Readonly<Record<PresetName, Readonly<Convention>>> = {
  quantstats: QUANTSTATS,
  empyrical: {
    ...QUANTSTATS,
    name: 'empyrical',
    psr: 'bailey-lopez-de-prado',
    rfMode: 'per-period',
    varMethod: 'historical',
    cvarMethod: 'lowest-tail',
    moments: 'biased',
    alpha: 'geometric',
    navFirstPoint: 'drop',
  },
  pyfolio: {
    ...QUANTSTATS,
    name: 'pyfolio',
    psr: 'bailey-lopez-de-prado',
    rfMode: 'per-period',
    varMethod: 'mean-2sigma',
    cvarMethod: 'lowest-tail',
    moments: 'biased',
    alpha: 'geometric',
    navFirstPoint: 'drop',
  },
  tqsdk: {
    ...QUANTSTATS,
    name: 'tqsdk',
    psr: 'bailey-lopez-de-prado',
    periodsPerYear: 250,
    riskFree: 0.025,
    rfMode: 'annual-geometric',
    std: 'population',
    navFirstPoint: 'drop',
  },
  vnpy: {
    ...QUANTSTATS,
    name: 'vnpy',
    psr: 'bailey-lopez-de-prado',
    periodsPerYear: 240,
    returnType: 'log',
    rfMode: 'annual-sqrt',
    annualReturn: 'simple',
    navFirstPoint: 'drop',
  },
};

export type ConventionOverrides = Partial<Omit<Convention, 'name'>>;

/**
 * The convention of a request: a preset (quantstats by default) with explicit overrides. When
 * `periodsPerYear` is not given it is `inferred` from the series (52 for weekly NAVs…) if known,
 * else the preset's. The name becomes `<preset>+overrides` when anything was overridden.
 */
export function resolveConvention(
  preset?: string,
  overrides: ConventionOverrides = {},
  inferredPeriods?: number,
): Convention {
  const base = preset === undefined ? QUANTSTATS : PRESETS[preset as PresetName];
  if (!base) throw new Error(`unknown preset ${preset}; one of ${PRESET_NAMES.join(', ')}`);
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as ConventionOverrides;
  const periods = given.periodsPerYear ?? inferredPeriods;
  const convention: Convention = {
    ...base,
    ...given,
    ...(periods ? { periodsPerYear: periods } : {}),
  };
  const changed =
    Object.keys(given).length > 0 || (periods !== undefined && periods !== base.periodsPerYear);
  if (changed) convention.name = `${base.name}+overrides`;
  if (!(convention.periodsPerYear > 0)) throw new Error('periodsPerYear must be positive');
  if (!(convention.confidence > 0 && convention.confidence < 1))
    throw new Error('confidence must be between 0 and 1');
  return convention;
}

/** The risk-free rate per period under the convention. */
export function riskFreePerPeriod(convention: Convention): number {
  const { riskFree: rf, periodsPerYear: periods } = convention;
  switch (convention.rfMode) {
    case 'per-period':
      return rf;
    case 'annual-geometric':
      return (1 + rf) ** (1 / periods) - 1;
    case 'annual-arithmetic':
      return rf / periods;
    case 'annual-sqrt':
      return rf / Math.sqrt(periods);
  }
}

export const ddofOf = (convention: Convention) => (convention.std === 'sample' ? 1 : 0);

/**
 * The growth factor of one period's return: 1 + r for simple returns, e^r for log returns (vn.py),
 * so that compounding, drawdowns and totals mean the same thing under either.
 */
export const growthOf = (r: number, returnType: Convention['returnType']): number =>
  returnType === 'log' ? Math.exp(r) : 1 + r;

/** The convention's fields on the wire (snake_case) and in TypeScript (camelCase). */
export const CONVENTION_WIRE_NAMES: Readonly<Record<keyof Convention, string>> = {
  name: 'name',
  periodsPerYear: 'periods_per_year',
  returnType: 'return_type',
  riskFree: 'risk_free',
  rfMode: 'rf_mode',
  std: 'std',
  varMethod: 'var_method',
  cvarMethod: 'cvar_method',
  confidence: 'confidence',
  moments: 'moments',
  alpha: 'alpha',
  annualReturn: 'annual_return',
  psr: 'psr',
  navFirstPoint: 'nav_first_point',
};

/** A convention as clients see it: snake_case names. */
export function conventionToWire(convention: Convention): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(convention).map(([name, value]) => [
      CONVENTION_WIRE_NAMES[name as keyof Convention] ?? name,
      value as string | number,
    ]),
  );
}
