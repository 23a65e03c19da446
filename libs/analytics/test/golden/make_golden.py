"""
Golden vectors for libs/analytics, computed independently of the TypeScript code with numpy and scipy
from the formulas of shared/spec/analytics-conventions.md (quantstats >= 0.0.70, empyrical 0.5.5 /
-reloaded 0.7.1, pyfolio, TqSdk, vn.py as the spec describes them). quantstats itself is not
installable here (no network for pip), so this is a second implementation, not the library.

Run:  python3 libs/analytics/test/golden/make_golden.py > libs/analytics/test/golden/golden.json
(numpy 2.4.6, scipy 1.17.1 when committed.)
"""
import json
import math

import numpy as np
from scipy import stats

rng = np.random.default_rng(20261125)
N = 300
dates = np.datetime64("2024-01-02") + np.arange(N)
bench_r = rng.normal(0.0003, 0.011, N - 1)
fund_r = 0.0002 + 0.8 * bench_r + rng.normal(0.0, 0.007, N - 1)
fund_r[::17] = 0.0  # some flat days (exposure, win rate)
fund_nav = np.concatenate([[1.0], np.cumprod(1 + fund_r)])
bench_nav = np.concatenate([[1.0], np.cumprod(1 + bench_r)])

PSR = {"quantstats": "quantstats"}  # every other preset: Bailey & Lopez de Prado with the raw kurtosis

PRESETS = {
    "quantstats": dict(periods=252, ret="simple", rf=0.0, rf_mode="annual-geometric", ddof=1, var="parametric",
                       cvar="below-var", biased=False, alpha="arithmetic", annual="cagr", first="zero"),
    "empyrical": dict(periods=252, ret="simple", rf=0.0, rf_mode="per-period", ddof=1, var="historical",
                      cvar="lowest-tail", biased=True, alpha="geometric", annual="cagr", first="drop"),
    "pyfolio": dict(periods=252, ret="simple", rf=0.0, rf_mode="per-period", ddof=1, var="mean-2sigma",
                    cvar="lowest-tail", biased=True, alpha="geometric", annual="cagr", first="drop"),
    "tqsdk": dict(periods=250, ret="simple", rf=0.025, rf_mode="annual-geometric", ddof=0, var="parametric",
                  cvar="below-var", biased=False, alpha="arithmetic", annual="cagr", first="drop"),
    "vnpy": dict(periods=240, ret="log", rf=0.0, rf_mode="annual-sqrt", ddof=1, var="parametric",
                 cvar="below-var", biased=False, alpha="arithmetic", annual="simple", first="drop"),
}


def to_returns(nav, p):
    ratio = nav[1:] / nav[:-1]
    r = np.log(ratio) if p["ret"] == "log" else ratio - 1
    return np.concatenate([[0.0], r]) if p["first"] == "zero" else r


def rf_period(p):
    rf, n = p["rf"], p["periods"]
    return {"per-period": rf, "annual-geometric": (1 + rf) ** (1 / n) - 1,
            "annual-arithmetic": rf / n, "annual-sqrt": rf / math.sqrt(n)}[p["rf_mode"]]


def growth(r, p):
    """Per-period growth factors: 1 + r, or e^r for log returns (vn.py compounds its balance)."""
    return np.exp(r) if p["ret"] == "log" else 1 + r


def cagr(r, p):
    total = np.prod(growth(r, p)) - 1
    if p["annual"] == "simple":
        return total / len(r) * p["periods"]
    return (1 + total) ** (p["periods"] / len(r)) - 1


def drawdown(r, p=None):
    prices = np.concatenate([[1.0], np.cumprod(growth(r, p) if p else 1 + r)])
    return (prices / np.maximum.accumulate(prices) - 1)[1:]


def var(r, p):
    if p["var"] == "parametric":
        return stats.norm.ppf(0.05, np.mean(r), np.std(r, ddof=1))
    if p["var"] == "historical":
        return np.percentile(r, 5)
    return np.mean(r) - 2 * np.std(r, ddof=1)


def cvar(r, p):
    if p["cvar"] == "lowest-tail":
        s = np.sort(r)
        return np.mean(s[: int(math.floor((len(s) - 1) * 0.05)) + 1])
    v = var(r, p)
    below = r[r < v]
    return np.mean(below) if len(below) else v


def autocorr_penalty(x):
    n = len(x)
    coef = abs(np.corrcoef(x[:-1], x[1:])[0, 1])
    return math.sqrt(1 + 2 * sum(((n - k) / n) * coef ** k for k in range(1, n)))


def psr(base, r, p, name):
    g3 = stats.skew(r, bias=p["biased"])
    k = stats.kurtosis(r, fisher=True, bias=p["biased"])
    if PSR.get(name) == "quantstats":
        # quantstats: the ratio of the raw returns; rf (as given) subtracted from it afterwards.
        var = 1 + 0.5 * base ** 2 - g3 * base + ((k - 3) / 4) * base ** 2
        return stats.norm.cdf((base - p["rf"]) / math.sqrt(var / (len(r) - 1)))
    var = 1 - g3 * base + ((k + 3 - 1) / 4) * base ** 2
    return stats.norm.cdf(base / math.sqrt(var / (len(r) - 1)))


def longest(mask):
    best = run = 0
    for m in mask:
        run = run + 1 if m else 0
        best = max(best, run)
    return best


def metrics(r, b, p, name):
    n = p["periods"]
    ex = r - rf_period(p)
    wins, losses = r[r > 0], r[r < 0]
    wr = len(wins) / len(r[r != 0])
    payoff = np.mean(wins) / abs(np.mean(losses))
    pf = np.sum(r[r >= 0]) / abs(np.sum(losses))
    tail = abs(np.percentile(r, 95) / np.percentile(r, 5))
    dd = drawdown(r, p)
    mdd = min(0.0, dd.min())
    ulcer = math.sqrt(np.sum(dd ** 2) / (len(dd) - 1))
    comp = np.prod(growth(r, p)) - 1
    beta = np.cov(r, b, ddof=1)[0, 1] / np.var(b, ddof=1)
    if p["alpha"] == "arithmetic":
        alpha = (np.mean(r) - beta * np.mean(b)) * n
    else:
        rf = rf_period(p)
        alpha = (1 + np.mean(r - rf - beta * (b - rf))) ** n - 1
    corr = np.corrcoef(r, b)[0, 1]
    up, down = b > 0, b < 0
    sd = np.std(ex, ddof=p["ddof"])
    downside = math.sqrt(np.sum(ex[ex < 0] ** 2) / len(ex))
    pen = autocorr_penalty(ex)
    sortino_1 = np.mean(ex) / downside
    # The probabilistic ratios' base: quantstats takes the raw returns, the others the excess ones.
    pr = r if PSR.get(name) == "quantstats" else ex
    sharpe_p = np.mean(pr) / np.std(pr, ddof=p["ddof"])
    sortino_p = np.mean(pr) / math.sqrt(np.sum(pr[pr < 0] ** 2) / len(pr))
    nonneg = r[r >= 0]
    expo = math.ceil(len(r[r != 0]) / len(r) * 100) / 100
    x = np.arange(len(r))
    fit = stats.linregress(x, np.cumsum(np.log1p(r)))
    out = {
        "smart_sharpe": np.mean(ex) / (sd * pen) * math.sqrt(n),
        "smart_sortino": np.mean(ex) / (downside * pen) * math.sqrt(n),
        "smart_adjusted_sortino": np.mean(ex) / (downside * pen) * math.sqrt(n) / math.sqrt(2),
        "probabilistic_sharpe_ratio": psr(sharpe_p, r, p, name),
        "probabilistic_sortino_ratio": psr(sortino_p, r, p, name),
        "probabilistic_adjusted_sortino_ratio": psr(sortino_p / math.sqrt(2), r, p, name),
        "expected_return": np.prod(growth(r, p)) ** (1 / len(r)) - 1,
        "rar": cagr(r, p) / expo,
        "profit_ratio": abs(np.mean(nonneg) / len(nonneg)) / abs(np.mean(losses) / len(losses)),
        "outlier_win_ratio": np.quantile(r, 0.99) / np.mean(nonneg),
        "outlier_loss_ratio": np.quantile(r, 0.01) / np.mean(losses),
        "serenity_index": (np.sum(r) - p["rf"]) / (
            math.sqrt(np.sum(drawdown(r, p) ** 2) / (len(r) - 1)) * (-cvar(drawdown(r, p), p) / np.std(r, ddof=p["ddof"]))),
        "stability_of_timeseries": fit.rvalue ** 2,
        "comp": comp,
        "cagr": cagr(r, p),
        "volatility": np.std(r, ddof=p["ddof"]) * math.sqrt(n),
        "sharpe": np.mean(ex) / np.std(ex, ddof=p["ddof"]) * math.sqrt(n),
        "sortino": np.mean(ex) / math.sqrt(np.sum(ex[ex < 0] ** 2) / len(ex)) * math.sqrt(n),
        "adjusted_sortino": np.mean(ex) / math.sqrt(np.sum(ex[ex < 0] ** 2) / len(ex)) * math.sqrt(n) / math.sqrt(2),
        "max_drawdown": mdd,
        "calmar": cagr(r, p) / abs(mdd),
        "omega": np.sum(ex[ex > 0]) / -np.sum(ex[ex <= 0]),
        "value_at_risk": var(r, p),
        "cvar": cvar(r, p),
        "skew": stats.skew(r, bias=p["biased"]),
        "kurtosis": stats.kurtosis(r, fisher=True, bias=p["biased"]),
        "win_rate": wr,
        "avg_return": np.mean(r[r != 0]),
        "avg_win": np.mean(wins),
        "avg_loss": np.mean(losses),
        "best": r.max(),
        "worst": r.min(),
        "payoff_ratio": payoff,
        "profit_factor": pf,
        "tail_ratio": tail,
        "ulcer_index": ulcer,
        "ulcer_performance_index": (comp - p["rf"]) / ulcer,
        "kelly_criterion": (payoff * wr - (1 - wr)) / payoff,
        "risk_of_ruin": ((1 - wr) / (1 + wr)) ** len(r),
        "consecutive_wins": longest(r > 0),
        "consecutive_losses": longest(r < 0),
        "exposure": math.ceil(len(r[r != 0]) / len(r) * 100) / 100,
        "risk_return_ratio": np.mean(r) / np.std(r, ddof=1),
        "recovery_factor": abs(np.sum(r) - p["rf"]) / abs(mdd),
        "gain_to_pain_ratio": np.sum(r) / abs(np.sum(losses)),
        "common_sense_ratio": pf * tail,
        "cpc_index": pf * wr * payoff,
        "beta": beta,
        "alpha": alpha,
        "correlation": corr,
        "r_squared": corr ** 2,
        "information_ratio": np.mean(r - b) / np.std(r - b, ddof=1),
        "tracking_error": np.std(r - b, ddof=p["ddof"]) * math.sqrt(n),
        "treynor_ratio": (comp - p["rf"]) / beta,
        "up_capture": cagr(r[up], p) / cagr(b[up], p),
        "down_capture": cagr(r[down], p) / cagr(b[down], p),
    }
    return {k: float(v) for k, v in out.items()}


def months_before(date, months):
    y, m, d = int(date[:4]), int(date[5:7]), int(date[8:10])
    index = y * 12 + (m - 1) - months
    year, month = index // 12, index % 12 + 1
    import calendar
    last = calendar.monthrange(year, month)[1]
    return "%04d-%02d-%02d" % (year, month, min(d, last))


def dated(dates, r, p):
    """Drawdown periods, trailing and calendar returns (definitions in libs/analytics/src/dated.ts)."""
    dd = drawdown(r)
    periods, cur = [], None
    for date, x in zip(dates, dd):
        if x < 0:
            if cur is None:
                cur = {"start": date, "valley": date, "end": date, "depth": x}
            if x < cur["depth"]:
                cur["depth"], cur["valley"] = x, date
            cur["end"] = date
        elif cur is not None:
            periods.append(cur)
            cur = None
    if cur is not None:
        periods.append(cur)
    for q in periods:
        q["days"] = int((np.datetime64(q["end"]) - np.datetime64(q["start"])).astype(int)) + 1
    deepest = min(periods, key=lambda q: q["depth"])
    comp = lambda v: float(np.prod(1 + np.asarray(v)) - 1)
    last, first = dates[-1], dates[0]

    def trailing(months, ann):
        start = months_before(last, months)
        if first > start:
            return None
        v = [x for d, x in zip(dates, r) if d > start]
        return float(cagr(np.asarray(v), p)) if ann else comp(v)

    months = {}
    for d, x in zip(dates, r):
        months.setdefault(d[:7], []).append(x)
    monthly = {k: comp(v) for k, v in months.items()}
    quarters, years = {}, {}
    for d, x in zip(dates, r):
        quarters.setdefault(d[:4] + "Q" + str((int(d[5:7]) - 1) // 3 + 1), []).append(x)
        years.setdefault(d[:4], []).append(x)
    qv = [comp(v) for v in quarters.values()]
    yv = [comp(v) for v in years.values()]
    mv = list(monthly.values())
    month_sums = [float(np.sum(v)) for v in months.values()]
    geo = lambda v: float(np.prod(1 + np.asarray(v)) ** (1 / len(v)) - 1)
    # rolling, window 126, pandas-style: rolling mean / rolling std (ddof per preset), no running sums
    w = 126
    rf = rf_period(p)
    roll = []
    for i in range(w - 1, len(r)):
        win = r[i - w + 1:i + 1]
        exw = win - rf
        sdw = np.std(win, ddof=p["ddof"])
        dn = math.sqrt(np.sum(exw[exw < 0] ** 2) / w)
        roll.append((dates[i], np.mean(exw) / sdw * math.sqrt(p["periods"]),
                     np.mean(exw) / dn * math.sqrt(p["periods"]), sdw * math.sqrt(p["periods"])))
    return {
        "max_drawdown_date": deepest["valley"],
        "max_drawdown_start": deepest["start"],
        "max_drawdown_end": deepest["end"],
        "longest_drawdown_days": max(q["days"] for q in periods),
        "avg_drawdown_days": float(np.mean([q["days"] for q in periods])),
        "drawdown_periods": len(periods),
        "mtd": comp([x for d, x in zip(dates, r) if d >= last[:7] + "-01"]),
        "3m": trailing(3, False),
        "6m": trailing(6, False),
        "ytd": comp([x for d, x in zip(dates, r) if d >= last[:4] + "-01-01"]),
        "1y": trailing(12, False),
        "all_time_ann": float(cagr(r, p)),
        "best_month": max(monthly.values()),
        "worst_month": min(monthly.values()),
        "win_month": sum(1 for v in monthly.values() if v > 0) / len(monthly),
        "monthly_2024_03": monthly["2024-03"],
        "win_quarter": sum(1 for v in qv if v > 0) / len(qv),
        "best_quarter": max(qv),
        "worst_year": min(yv),
        "expected_monthly": geo(mv),
        "expected_yearly": geo(yv),
        "gain_to_pain_1m": sum(month_sums) / abs(sum(v for v in month_sums if v < 0)),
        "rolling_count": len(roll),
        "rolling_first_date": roll[0][0],
        "rolling_last_sharpe": float(roll[-1][1]),
        "rolling_last_sortino": float(roll[-1][2]),
        "rolling_last_volatility": float(roll[-1][3]),
        "rolling_mid_sharpe": float(roll[len(roll) // 2][1]),
        "rolling_mid_volatility": float(roll[len(roll) // 2][3]),
    }


result = {
    "made_with": "numpy %s, scipy %s; see make_golden.py" % (np.__version__, __import__("scipy").__version__),
    "dates": [str(d) for d in dates],
    "fund_nav": [float(x) for x in fund_nav],
    "benchmark_nav": [float(x) for x in bench_nav],
    "norm_ppf_0_05": float(stats.norm.ppf(0.05)),
    "presets": {},
}
for name, p in PRESETS.items():
    result["presets"][name] = metrics(to_returns(fund_nav, p), to_returns(bench_nav, p), p, name)
qs = PRESETS["quantstats"]
result["dated_quantstats"] = dated([str(d) for d in dates], to_returns(fund_nav, qs), qs)
print(json.dumps(result, indent=1))
