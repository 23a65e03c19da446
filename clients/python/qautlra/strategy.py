"""Strategies in Python: the same callbacks and context as the platform's TypeScript strategies.

A strategy file defines one subclass of :class:`Strategy`::

    from qautlra.strategy import Strategy

    class MaCross(Strategy):
        name = "py-ma-cross"
        parameters = {"fast": {"default": 5, "min": 2}, "slow": {"default": 20, "min": 5}}

        def on_bar(self, bar, ctx):
            closes = [b["close"] for b in ctx.bars(bar["instrument"], self.params["slow"])]
            ...
            ctx.target_position(bar["instrument"], 1)

It runs in a backtest and live unchanged; the platform (TypeScript) owns the account and the rules,
the strategy only decides. Bars and ticks are dicts with the platform's field names
(``instrument``, ``start_ms``, ``end_ms``, ``trading_day``, ``open``, ``high``, ``low``, ``close``,
``volume``; ticks: ``datetime_ms``, ``last_price``, ``bid_price``, ``ask_price``, …).
"""

from __future__ import annotations

from typing import Any, Optional


class Strategy:
    """Base class: override any of the callbacks. ``self.params`` holds the resolved parameters."""

    #: The name the catalogue lists it under.
    name: str = ""
    description: str = ""
    #: name → {"default": value, "min": …, "max": …, "step": …, "description": …}
    parameters: dict[str, dict[str, Any]] = {}
    #: Events the bridge may hand over at once while the strategy holds no live order: its
    #: decisions then see positions exactly, and the account's marks as of the batch's start.
    batch: int = 1
    #: False: its decisions read only the bars and ticks it is given — never ``position``,
    #: ``account`` or ``orders`` (keep your own record of what you asked for). The bridge may then
    #: hand it whole batches in backtests and carry out each bar's orders at that bar; order and
    #: trade callbacks arrive after the batch.
    reads_state: bool = True

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_start(self, ctx: "Context") -> None: ...

    def on_bar(self, bar: dict[str, Any], ctx: "Context") -> None: ...

    def on_tick(self, tick: dict[str, Any], ctx: "Context") -> None: ...

    def on_order(self, order: dict[str, Any], ctx: "Context") -> None: ...

    def on_trade(self, trade: dict[str, Any], ctx: "Context") -> None: ...

    def on_day(self, trading_day: str, ctx: "Context") -> None: ...

    def on_end(self, ctx: "Context") -> None: ...


class Context:
    """What a strategy sees and does. Reads come from the state the platform sent with the event;
    orders are collected and carried out by the platform after the callback returns."""

    def __init__(self, params: dict[str, Any], accounts: list[str], history: int = 2000) -> None:
        self.params = params
        self.accounts = accounts
        self._state: dict[str, Any] = {}
        self._actions: list[dict[str, Any]] = []
        self._logs: list[str] = []
        self._bars: dict[str, list[dict[str, Any]]] = {}
        self._history = history

    # state -------------------------------------------------------------------------------

    def now(self) -> int:
        """Epoch ms now (the replayed clock in a backtest)."""
        return int(self._state.get("now", 0))

    def trading_day(self) -> str:
        return str(self._state.get("trading_day", ""))

    def account(self) -> dict[str, Any]:
        """The account's money (QIFI ``accounts``: balance, available, margin, …)."""
        return dict(self._state.get("account", {}))

    def position(self, instrument: str) -> dict[str, Any]:
        """Lots per side (``long``, ``short``, ``long_today``, …, ``net``) and ``last_price``."""
        empty = {"instrument": instrument, "long": 0, "short": 0, "long_today": 0, "long_yesterday": 0,
                 "short_today": 0, "short_yesterday": 0, "net": 0, "last_price": 0}
        return dict(self._state.get("positions", {}).get(instrument, empty))

    def orders(self) -> list[dict[str, Any]]:
        """Orders still alive."""
        return list(self._state.get("orders", []))

    def bars(self, instrument: str, count: Optional[int] = None) -> list[dict[str, Any]]:
        """The last ``count`` finished bars of an instrument (oldest first), as delivered so far."""
        bars = self._bars.get(instrument, [])
        return bars[-count:] if count else list(bars)

    def log(self, message: str) -> None:
        self._logs.append(str(message))

    # orders (QUANTAXIS names) -------------------------------------------------------------

    def _order(self, op: str, instrument: str, volume: Any, price: Optional[float], **extra: Any) -> None:
        action: dict[str, Any] = {"op": op, "instrument": instrument, "volume": volume, **extra}
        if price is not None:
            action["price"] = price
        self._actions.append(action)

    def buy(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("buy", instrument, volume, price)

    def sell(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("sell", instrument, volume, price)

    def buy_open(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("buyOpen", instrument, volume, price)

    def sell_open(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("sellOpen", instrument, volume, price)

    def buy_close(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("buyClose", instrument, volume, price)

    def sell_close(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("sellClose", instrument, volume, price)

    def buy_closetoday(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("buyCloseToday", instrument, volume, price)

    def sell_closetoday(self, instrument: str, volume: int, price: Optional[float] = None) -> None:
        self._order("sellCloseToday", instrument, volume, price)

    def target_position(self, instrument: str, net: int, price: Optional[float] = None) -> None:
        """Trade toward a net position (long > 0, short < 0), as the platform's ``targetPosition``."""
        action: dict[str, Any] = {"op": "targetPosition", "instrument": instrument, "net": net}
        if price is not None:
            action["price"] = price
        self._actions.append(action)

    def cancel(self, order_id: str) -> None:
        self._actions.append({"op": "cancel", "order_id": order_id})

    def cancel_all(self, instrument: Optional[str] = None) -> None:
        self._actions.append({"op": "cancelAll", **({"instrument": instrument} if instrument else {})})
