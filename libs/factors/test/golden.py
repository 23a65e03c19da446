"""Golden vectors for libs/factors from an independent implementation in numpy/pandas.

Reads a long CSV (date, instrument, group, close, volume, factor) and writes JSON with the analysis
computed the way alphalens computes it (pandas groupby / qcut / rank / corrwith), plus the expression
operators as pandas rolling and cross-sectional code. Definitions are those stated in
libs/factors/src/analysis.ts; Spearman is the Pearson correlation of average ranks (no scipy here).
"""
import json
import sys

import numpy as np
import pandas as pd

source, periods, quantiles = sys.argv[1], [int(p) for p in sys.argv[2].split(',')], int(sys.argv[3])
long = pd.read_csv(source, dtype={'date': str, 'instrument': str, 'group': str})
groups = long.groupby('instrument')['group'].first()
close = long.pivot(index='date', columns='instrument', values='close')
volume = long.pivot(index='date', columns='instrument', values='volume')
factor = long.pivot(index='date', columns='instrument', values='factor')
instruments = list(close.columns)


def clean(values):
    if isinstance(values, (pd.Series, pd.DataFrame)):
        values = values.to_numpy()
    return [None if (v is None or not np.isfinite(v)) else float(v) for v in np.asarray(values, dtype=float).ravel()]


out = {'instruments': instruments, 'dates': list(close.index)}

# --- expression operators, hand-written in pandas --------------------------------------------------
ops = {
    'ts_mean(close, 5)': close.rolling(5).mean(),
    'ts_std(close, 5)': close.rolling(5).std(),
    'ts_sum(volume, 3)': volume.rolling(3).sum(),
    'ts_min(close, 4)': close.rolling(4).min(),
    'ts_max(close, 4)': close.rolling(4).max(),
    'ts_rank(close, 6)': close.rolling(6).rank(pct=True),
    'corr(close, volume, 10)': close.rolling(10).corr(volume),
    'cov(close, volume, 7)': close.rolling(7).cov(volume),
    'delta(close, 3)': close - close.shift(3),
    'rank(ts_mean(close, 20) / close)': (close.rolling(20).mean() / close).rank(axis=1, pct=True),
    'cs_zscore(delta(close, 5))': (lambda x: x.sub(x.mean(axis=1), axis=0).div(x.std(axis=1), axis=0))(close - close.shift(5)),
    'close / delay(close, 20) - 1': close / close.shift(20) - 1,
}
out['ops'] = {name: clean(frame.replace([np.inf, -np.inf], np.nan)) for name, frame in ops.items()}

# --- the analysis ---------------------------------------------------------------------------------
forward = {h: (close.shift(-h) / close - 1) for h in periods}
data = factor.stack(dropna=False).rename('factor').to_frame()
for h in periods:
    data[f'{h}D'] = forward[h].stack(dropna=False)
data.index.names = ['date', 'asset']
columns = [f'{h}D' for h in periods]
data = data.dropna(subset=['factor'] + columns)
counts = data.groupby(level='date')['factor'].transform('count')
data = data[counts >= quantiles].copy()
data['group'] = groups.reindex(data.index.get_level_values('asset')).to_numpy()
data['factor_quantile'] = data.groupby(level='date')['factor'].transform(
    lambda x: pd.qcut(x, quantiles, labels=False) + 1
)
out['kept'] = int(len(data))


def spearman(frame, a, b):
    return frame[a].rank().corr(frame[b].rank())


horizons = []
dates = sorted(set(data.index.get_level_values('date')))
by_date = data.groupby(level='date')
for h, col in zip(periods, columns):
    ic = by_date.apply(lambda x: x['factor'].corr(x[col]))
    rank_ic = by_date.apply(lambda x: spearman(x, 'factor', col))

    def summary(series):
        values = series.dropna().to_numpy()
        n = len(values)
        mean = values.mean()
        std = values.std(ddof=1)
        m2 = ((values - mean) ** 2).mean()
        return {
            'mean': mean, 'std': std, 'ir': mean / std, 'tStat': mean / (std / np.sqrt(n)),
            'skew': ((values - mean) ** 3).mean() / m2 ** 1.5, 'kurtosis': ((values - mean) ** 4).mean() / m2 ** 2 - 3,
            'count': n,
        }

    demeaned = data[col] - by_date[col].transform('mean')
    frame = data.assign(r=demeaned)
    pooled = frame.groupby('factor_quantile')['r'].agg(['mean', 'std', 'count'])
    daily_q = frame.groupby([frame.index.get_level_values('date'), 'factor_quantile'])['r'].mean().unstack()
    spread = daily_q[quantiles] - daily_q[1]
    f_demeaned = data['factor'] - by_date['factor'].transform('mean')
    weights = f_demeaned / f_demeaned.abs().groupby(level='date').transform('sum')
    factor_returns = (weights * data[col]).groupby(level='date').sum()

    turnover = {}
    for q in range(1, quantiles + 1):
        names = data[data['factor_quantile'] == q].groupby(level='date').apply(
            lambda x: set(x.index.get_level_values('asset'))
        )
        shifted = names.shift(h)
        new = (names - shifted).dropna()
        turnover[q] = (new.apply(len) / names.apply(len)).dropna()
    ranks = data.groupby(level='date')['factor'].rank().reset_index().pivot(index='date', columns='asset', values='factor')
    autocorr = ranks.corrwith(ranks.shift(h), axis=1)

    group_ic = data.groupby([data.index.get_level_values('date'), 'group']).apply(lambda x: x['factor'].corr(x[col]))
    group_rank_ic = data.groupby([data.index.get_level_values('date'), 'group']).apply(lambda x: spearman(x, 'factor', col))
    group_q = frame.groupby(['group', 'factor_quantile'])['r'].mean()

    horizons.append({
        'period': h,
        'ic': {d: ic.get(d) for d in dates},
        'rankIc': {d: rank_ic.get(d) for d in dates},
        'icSummary': summary(ic),
        'rankIcSummary': summary(rank_ic),
        'quantileMean': clean(pooled['mean']),
        'quantileStd': clean(pooled['std']),
        'quantileCount': clean(pooled['count']),
        'quantileReturnsByDate': {d: clean(daily_q.loc[d].reindex(range(1, quantiles + 1))) for d in daily_q.index},
        'spreadMean': float(spread.mean()),
        'factorReturns': {d: float(v) for d, v in factor_returns.items()},
        'turnoverMean': [float(turnover[q].mean()) for q in range(1, quantiles + 1)],
        'rankAutocorrelationMean': float(autocorr.mean()),
        'groupIcMean': {g: float(v) for g, v in group_ic.groupby(level='group').mean().items()},
        'groupRankIcMean': {g: float(v) for g, v in group_rank_ic.groupby(level='group').mean().items()},
        'groupQuantileMean': {g: clean(group_q.loc[g].reindex(range(1, quantiles + 1))) for g in sorted(set(data['group']))},
    })
for item in horizons:
    for key in ('ic', 'rankIc'):
        item[key] = {d: (None if v is None or not np.isfinite(v) else float(v)) for d, v in item[key].items()}
    for key in ('icSummary', 'rankIcSummary'):
        item[key] = {k: float(v) for k, v in item[key].items()}
out['horizons'] = horizons

# --- preprocessing -------------------------------------------------------------------------------
def mad_clip(row, k=3.0):
    values = row.dropna().to_numpy()
    median = np.quantile(values, 0.5)
    mad = np.quantile(np.abs(values - median), 0.5) * 1.4826
    return row.clip(median - k * mad, median + k * mad)


out['winsorizeMad'] = clean(factor.apply(mad_clip, axis=1))
out['winsorizeQuantile'] = clean(factor.apply(lambda r: r.clip(np.nanquantile(r, 0.05), np.nanquantile(r, 0.95)), axis=1))
out['standardize'] = clean(factor.sub(factor.mean(axis=1), axis=0).div(factor.std(axis=1), axis=0))

print(json.dumps(out, allow_nan=False))
