"""
Golden vectors for libs/indicators, computed independently of the TypeScript code with numpy from
the formulas as TA-Lib and 通达信 (TDX) define them (docs/backtest.md lists each convention). TA-Lib
itself is not installable here (no network for pip), so this is a second implementation written from
the definitions: full-window numpy expressions where the formula is a window (np.convolve, sliding
windows), plain recursions where it is recursive.

Run:  python3 libs/indicators/test/golden/make_golden.py > libs/indicators/test/golden/golden.json
(numpy 2.4.6 when committed.)
"""
import json
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as windows

rng = np.random.default_rng(20261202)
N = 260
close = 3500 + np.cumsum(rng.normal(0, 12, N))
close[100:106] = close[99]  # a flat stretch: zero moves, flat ranges
spread = np.abs(rng.normal(0, 8, N)) + 1
high = np.maximum(close + spread * rng.uniform(0.2, 1, N), close)
low = np.minimum(close - spread * rng.uniform(0.2, 1, N), close)
high[100:106] = close[100:106]
low[100:106] = close[100:106]
volume = np.floor(rng.uniform(100, 5000, N))
volume[50] = 0
day = np.array(["2026010%d" % (1 + i // 60) for i in range(N)])
tp = (high + low + close) / 3


def nan(n):
    return np.full(n, np.nan)


def full_window(values, n, fn):
    out = nan(len(values))
    if len(values) >= n:
        out[n - 1:] = fn(windows(values, n))
    return out


def sma(values, n):
    return full_window(values, n, lambda w: w.mean(axis=1))


def ema_talib(values, n):
    out = nan(len(values))
    a = 2 / (n + 1)
    y = values[:n].mean()
    out[n - 1] = y
    for i in range(n, len(values)):
        y = a * values[i] + (1 - a) * y
        out[i] = y
    return out


def recursive_first(values, a, seed=None):
    out = nan(len(values))
    y = seed
    for i, x in enumerate(values):
        y = x if y is None else a * x + (1 - a) * y
        out[i] = y
    return out


def ema_tdx(values, n):
    return recursive_first(values, 2 / (n + 1))


def tdx_sma(values, n, m, seed=None):
    return recursive_first(values, m / n, seed)


def wma(values, n):
    w = np.arange(1, n + 1, dtype=float)
    return full_window(values, n, lambda win: (win * w).sum(axis=1) / w.sum())


def wilder_mean(values, n):
    """Mean of the first n, then (prev*(n-1)+x)/n; values may start with NaNs."""
    out = nan(len(values))
    start = np.argmax(~np.isnan(values))
    y = values[start:start + n].mean()
    out[start + n - 1] = y
    for i in range(start + n, len(values)):
        y = (y * (n - 1) + values[i]) / n
        out[i] = y
    return out


def rsi_talib(values, n):
    change = np.concatenate([[np.nan], np.diff(values)])
    gain = wilder_mean(np.where(np.isnan(change), np.nan, np.maximum(change, 0)), n)
    loss = wilder_mean(np.where(np.isnan(change), np.nan, np.maximum(-change, 0)), n)
    total = gain + loss
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total == 0, 0.0, 100 * gain / total)


def rsi_tdx(values, n):
    change = np.diff(values)
    up = tdx_sma(np.maximum(change, 0), n, 1)
    move = tdx_sma(np.abs(change), n, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(move == 0, 0.0, 100 * up / move)
    return np.concatenate([[np.nan], r])


def roc(values, n):
    out = nan(len(values))
    out[n:] = (values[n:] / values[:-n] - 1) * 100
    return out


def bias(values, n):
    m = sma(values, n)
    return (values - m) / m * 100


def efficiency_ratio(values, n):
    out = nan(len(values))
    moves = np.abs(np.diff(values))
    for i in range(n, len(values)):
        path = moves[i - n:i].sum()
        out[i] = 0.0 if path == 0 else abs(values[i] - values[i - n]) / path
    return out


def std(values, n, ddof):
    return full_window(values, n, lambda w: w.std(axis=1, ddof=ddof))


def boll(values, n, k, ddof):
    mid = sma(values, n)
    sd = std(values, n, ddof)
    return {"upper": mid + k * sd, "middle": mid, "lower": mid - k * sd}


def hhv(values, n):
    return full_window(values, n, lambda w: w.max(axis=1))


def llv(values, n):
    return full_window(values, n, lambda w: w.min(axis=1))


def true_range(first_is_range):
    prev = np.concatenate([[np.nan], close[:-1]])
    tr = np.maximum.reduce([high - low, np.abs(high - prev), np.abs(low - prev)])
    tr[0] = (high[0] - low[0]) if first_is_range else np.nan
    return tr


def macd_talib(values, fast, slow, signal):
    slow_ema = ema_talib(values, slow)
    fast_ema = nan(len(values))
    a = 2 / (fast + 1)
    y = values[slow - fast:slow].mean()
    fast_ema[slow - 1] = y
    for i in range(slow, len(values)):
        y = a * values[i] + (1 - a) * y
        fast_ema[i] = y
    dif = fast_ema - slow_ema
    dea = nan(len(values))
    a = 2 / (signal + 1)
    start = slow - 1
    y = dif[start:start + signal].mean()
    dea[start + signal - 1] = y
    for i in range(start + signal, len(values)):
        y = a * dif[i] + (1 - a) * y
        dea[i] = y
    dif = np.where(np.isnan(dea), np.nan, dif)
    return {"dif": dif, "dea": dea, "histogram": dif - dea}


def macd_tdx(values, fast, slow, signal):
    dif = ema_tdx(values, fast) - ema_tdx(values, slow)
    dea = ema_tdx(dif, signal)
    return {"dif": dif, "dea": dea, "histogram": 2 * (dif - dea)}


def rsv(n):
    hh = hhv(high, n)
    ll = llv(low, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(hh == ll, 0.0, (close - ll) / (hh - ll) * 100)


def kdj(n, m1, m2, seed):
    r = rsv(n)
    k = nan(N)
    d = nan(N)
    k[n - 1:] = tdx_sma(r[n - 1:], m1, 1, seed)
    d[n - 1:] = tdx_sma(k[n - 1:], m2, 1, seed)
    return {"k": k, "d": d, "j": 3 * k - 2 * d}


def stochastic(kind, n, kn, dn):
    r = rsv(n)
    k = r
    if kind == "slow":
        k = nan(N)
        k[n - 1:] = sma(r[n - 1:], kn)
    d = nan(N)
    start = np.argmax(~np.isnan(k))
    d[start:] = sma(k[start:], dn)
    k = np.where(np.isnan(d), np.nan, k)
    return {"k": k, "d": d}


def cci(n):
    out = nan(N)
    for i in range(n - 1, N):
        w = tp[i - n + 1:i + 1]
        m = w.mean()
        md = np.abs(w - m).mean()
        out[i] = 0.0 if md == 0 else (tp[i] - m) / (0.015 * md)
    return out


def mfi(n):
    out = nan(N)
    flow = tp * volume
    pos = np.where(np.diff(tp) > 0, flow[1:], 0.0)
    neg = np.where(np.diff(tp) < 0, flow[1:], 0.0)
    for i in range(n, N):
        p = pos[i - n:i].sum()
        q = neg[i - n:i].sum()
        out[i] = 0.0 if p + q == 0 else 100 * p / (p + q)
    return out


def obv(start_with_volume):
    sign = np.sign(np.diff(close))
    steps = np.concatenate([[volume[0] if start_with_volume else 0.0], sign * volume[1:]])
    return np.cumsum(steps)


def vwap():
    out = nan(N)
    amount = 0.0
    vol = 0.0
    for i in range(N):
        if i == 0 or day[i] != day[i - 1]:
            amount = 0.0
            vol = 0.0
        amount += tp[i] * volume[i]
        vol += volume[i]
        out[i] = amount / vol if vol > 0 else np.nan
    return out


def directional():
    up = np.diff(high)
    down = -np.diff(low)
    plus = np.where((up > 0) & (up > down), up, 0.0)
    minus = np.where((down > 0) & (down > up), down, 0.0)
    tr = true_range(False)[1:]
    return plus, minus, tr


def dx_of(pdi, mdi):
    s = pdi + mdi
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s == 0, 0.0, 100 * np.abs(pdi - mdi) / s)


def dmi_talib(n):
    plus, minus, tr = directional()  # index j = change into bar j + 1

    def wilder_sum(x):
        out = nan(N)
        s = x[:n - 1].sum()
        for j in range(n - 1, N - 1):
            s = s - s / n + x[j]
            out[j + 1] = s
        return out

    trs = wilder_sum(tr)
    with np.errstate(invalid="ignore", divide="ignore"):
        pdi = np.where(trs == 0, 0.0, 100 * wilder_sum(plus) / trs)
        mdi = np.where(trs == 0, 0.0, 100 * wilder_sum(minus) / trs)
    adx = wilder_mean(dx_of(pdi, mdi), n)
    adxr = nan(N)
    adxr[n - 1:] = (adx[n - 1:] + adx[:N - n + 1]) / 2
    return {"plusDi": pdi, "minusDi": mdi, "adx": adx, "adxr": adxr}


def dmi_tdx(n, m):
    plus, minus, tr = directional()

    def window_sum(x):
        out = nan(N)
        out[n:] = windows(x, n).sum(axis=1)
        return out

    trs = window_sum(tr)
    with np.errstate(invalid="ignore", divide="ignore"):
        pdi = np.where(trs == 0, 0.0, 100 * window_sum(plus) / trs)
        mdi = np.where(trs == 0, 0.0, 100 * window_sum(minus) / trs)
    dx = dx_of(pdi, mdi)
    adx = nan(N)
    adx[n:] = sma(dx[n:], m)
    adxr = nan(N)
    adxr[m:] = (adx[m:] + adx[:-m]) / 2
    return {"plusDi": pdi, "minusDi": mdi, "adx": adx, "adxr": adxr}


def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    return [None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in np.asarray(x, dtype=float)]


cases = {
    "sma_20": sma(close, 20),
    "ema_12_talib": ema_talib(close, 12),
    "ema_12_tdx": ema_tdx(close, 12),
    "wma_10": wma(close, 10),
    "tdxSma_6_2": tdx_sma(close, 6, 2),
    "rsi_14_talib": rsi_talib(close, 14),
    "rsi_6_tdx": rsi_tdx(close, 6),
    "roc_10": roc(close, 10),
    "bias_6": bias(close, 6),
    "er_10": efficiency_ratio(close, 10),
    "std_20_0": std(close, 20, 0),
    "std_20_1": std(close, 20, 1),
    "boll_20_2_talib": boll(close, 20, 2, 0),
    "boll_20_2_tdx": boll(close, 20, 2, 1),
    "hhv_high_9": hhv(high, 9),
    "llv_low_9": llv(low, 9),
    "macd_12_26_9_talib": macd_talib(close, 12, 26, 9),
    "macd_12_26_9_tdx": macd_tdx(close, 12, 26, 9),
    "tr_talib": true_range(False),
    "tr_tdx": true_range(True),
    "atr_14_talib": wilder_mean(true_range(False), 14),
    "atr_14_tdx": sma(true_range(True), 14),
    "kdj_9_3_3_50": kdj(9, 3, 3, 50.0),
    "kdj_9_3_3_first": kdj(9, 3, 3, None),
    "stoch_fast_5_3": stochastic("fast", 5, 3, 3),
    "stoch_slow_5_3_3": stochastic("slow", 5, 3, 3),
    "cci_14": cci(14),
    "mfi_14": mfi(14),
    "obv_talib": obv(True),
    "obv_tdx": obv(False),
    "vwap": vwap(),
    "dmi_14_talib": dmi_talib(14),
    "dmi_14_6_tdx": dmi_tdx(14, 6),
}

print(json.dumps({
    "input": {"high": clean(high), "low": clean(low), "close": clean(close), "volume": clean(volume),
              "tradingDay": day.tolist()},
    "cases": {name: clean(value) for name, value in cases.items()},
}))
