"""bench:factors, the pandas side: the same computation the way alphalens computes it.

Reads the close panel (raw float64, dates × instruments, date-major), evaluates rank(ts_mean(close, 20) / close)
with pandas, then alphalens' steps on the long (date, asset) frame: compute_forward_returns (1, 5, 20), the
clean factor data (dropna, dates with at least 5 names), quantize_factor (groupby date + qcut), the IC and
rank IC per date (groupby apply; Spearman as the correlation of ranks: no scipy here), mean_return_by_quantile
(by date and pooled, demeaned) and quantile_turnover (sets of names per date, shifted). Prints JSON: seconds
per step, peak RSS, and a few results to check both sides computed the same thing.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

path, dates, instruments = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
periods, quantiles = [1, 5, 20], 5
steps = {}
t0 = time.perf_counter()
mark = t0


def step(name):
    global mark
    now = time.perf_counter()
    steps[name] = now - mark
    mark = now


close = pd.DataFrame(np.fromfile(path, dtype='<f8').reshape(dates, instruments))
close.index.name = 'date'
close.columns.name = 'asset'
step('load')
factor = (close.rolling(20).mean() / close).rank(axis=1, pct=True)
step('expression')
# close.shift(-h) / close - 1, as libs/factors defines it (alphalens' pct_change(h).shift(-h) pads over
# missing prices first, which would keep rows libs/factors drops as no_price).
forward = {h: close.shift(-h) / close - 1 for h in periods}
data = factor.stack(dropna=False).rename('factor').to_frame()
for h in periods:
    data[f'{h}D'] = forward[h].stack(dropna=False)
columns = [f'{h}D' for h in periods]
step('forward returns')
data = data.dropna()
counts = data.groupby(level='date')['factor'].transform('count')
data = data[counts >= quantiles].copy()
data['factor_quantile'] = data.groupby(level='date')['factor'].transform(lambda x: pd.qcut(x, quantiles, labels=False) + 1)
step('clean + quantiles')
grouped = data.groupby(level='date')
ic = pd.DataFrame({c: grouped.apply(lambda x: x['factor'].corr(x[c])) for c in columns})
rank_ic = pd.DataFrame({c: grouped.apply(lambda x: x['factor'].rank().corr(x[c].rank())) for c in columns})
step('IC + rank IC')
demeaned = data[columns] - grouped[columns].transform('mean')
demeaned['factor_quantile'] = data['factor_quantile']
by_date = demeaned.groupby([demeaned.index.get_level_values('date'), 'factor_quantile'])[columns].mean()
pooled = demeaned.groupby('factor_quantile')[columns].agg(['mean', 'std', 'count'])
step('quantile returns')
turnover = {}
for h in periods:
    for q in range(1, quantiles + 1):
        names = data[data['factor_quantile'] == q].groupby(level='date').apply(lambda x: set(x.index.get_level_values('asset')))
        new = (names - names.shift(h)).dropna()
        turnover[(h, q)] = float((new.apply(len) / names.apply(len)).mean())
step('turnover')
total = time.perf_counter() - t0
print(json.dumps({
    'seconds': total,
    'steps': steps,
    'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    'kept': int(len(data)),
    'rankIcMean': [float(rank_ic[c].mean()) for c in columns],
    'icMean': [float(ic[c].mean()) for c in columns],
    'topQuantileMean': [float(pooled[(c, 'mean')].loc[quantiles]) for c in columns],
    'turnoverTop': [turnover[(h, quantiles)] for h in periods],
}))
