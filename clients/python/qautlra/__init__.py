"""QAUTLRA's Python SDK: market data, DIFF trading, the time-series DB, fund analytics, backtests.

Standard library plus ``websockets``; pandas is optional (the ``*_df`` and ``dataframe`` methods).
"""

from .http import ApiError, Backtests, FundAnalytics, Tsdb
from .market import MarketData, MarketDataSync
from .trade import LoginError, QIFIAccount, TradeClient

__all__ = [
    "ApiError",
    "Backtests",
    "FundAnalytics",
    "LoginError",
    "MarketData",
    "MarketDataSync",
    "QIFIAccount",
    "TradeClient",
    "Tsdb",
]
__version__ = "0.1.0"
