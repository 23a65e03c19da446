"""QAUTLRA's Python SDK: market data, DIFF trading, the time-series DB, fund analytics, backtests,
and strategies in Python (``qautlra.strategy``).

Standard library plus ``websockets`` (for the WebSocket clients only); pandas is optional (the
``*_df`` and ``dataframe`` methods). Names are imported on first use, so a strategy process needs
neither.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ApiError": "http",
    "Backtests": "http",
    "FundAnalytics": "http",
    "Tsdb": "http",
    "MarketData": "market",
    "MarketDataSync": "market",
    "LoginError": "trade",
    "QIFIAccount": "trade",
    "TradeClient": "trade",
    "Strategy": "strategy",
    "Context": "strategy",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qautlra' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
