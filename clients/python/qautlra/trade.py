"""Trading over the trade server's DIFF WebSocket (``/ws/trade``), and a QUANTAXIS-style account."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import os
import secrets
from typing import Any, Optional

import websockets

from ._loop import LoopThread, Reconnecting, ensure_finite
from ._merge import merge_patch

DEFAULT_TRADE_URL = "ws://localhost:7988/ws/trade"
LOGIN_OK = "登录成功"
LOGIN_FAILED = "用户登录失败"

#: QUANTAXIS ``towards`` codes → DIFF direction and offset.
TOWARDS = {
    2: ("BUY", "OPEN"),
    -2: ("SELL", "OPEN"),
    3: ("BUY", "CLOSE"),
    -3: ("SELL", "CLOSE"),
    4: ("BUY", "CLOSETODAY"),
    -4: ("SELL", "CLOSETODAY"),
    1: ("BUY", "OPEN"),  # stock buy
    -1: ("SELL", "CLOSE"),  # stock sell
}


class LoginError(Exception):
    """The trade server refused the login."""


class TradeClient(Reconnecting):
    """An asyncio DIFF trade client: login, ``insert_order`` / ``cancel_order``, and the account's
    ``trade.<user>`` section (accounts, positions, orders, trades) kept merged from ``rtn_data``.

    A dropped connection is replaced with back-off and logged in again; the server then sends the
    whole section again. Nothing sent before a reconnect is sent again by this client.
    """

    def __init__(
        self,
        user: str,
        password: str,
        url: str = DEFAULT_TRADE_URL,
        *,
        broker: str = "sim",
        backoff_base: float = 0.5,
        backoff_cap: float = 10.0,
    ) -> None:
        super().__init__(url, backoff_base, backoff_cap)
        self.user = user
        self.broker = broker
        self.notices: list[str] = []
        self._password = password
        self._data: dict[str, Any] = {}
        self._updated = False
        self._ids = itertools.count(1)
        # Unique per client: an object's id() is reused once it is freed, so a later client of the same
        # user in the same process could send an order id the account already holds.
        self._prefix = f"py{os.getpid():x}{secrets.token_hex(4)}_"

    async def __aenter__(self) -> "TradeClient":
        await self.connect()
        return self

    async def connect(self, timeout: float = 10.0) -> None:
        """Connects and logs in; raises :class:`LoginError` when refused."""
        self._start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.state != "ready":
            if self.state == "login_failed":
                await self.close()
                raise LoginError(self.detail)
            if loop.time() > deadline:
                raise TimeoutError(f"no login at {self.url} within {timeout} s ({self.detail})")
            await asyncio.sleep(0.02)

    # The account as the server shows it ------------------------------------------------------

    @property
    def section(self) -> dict[str, Any]:
        trade = self._data.get("trade")
        mine = trade.get(self.user) if isinstance(trade, dict) else None
        return mine if isinstance(mine, dict) else {}

    @property
    def account(self) -> dict[str, Any]:
        """Money of the account (``accounts.CNY``): balance, available, margin, …"""
        return copy.deepcopy(self.section.get("accounts", {}).get("CNY", {}))

    @property
    def positions(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.section.get("positions", {}))

    @property
    def orders(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.section.get("orders", {}))

    @property
    def trades(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.section.get("trades", {}))

    def position(self, instrument: str) -> dict[str, Any]:
        return copy.deepcopy(self.section.get("positions", {}).get(instrument, {}))

    def order(self, order_id: str) -> Optional[dict[str, Any]]:
        order = self.section.get("orders", {}).get(order_id)
        return copy.deepcopy(order) if order is not None else None

    # Orders --------------------------------------------------------------------------------

    async def insert_order(
        self,
        instrument: str,
        direction: str,
        offset: str,
        volume: int,
        price: Optional[float] = None,
        *,
        order_id: Optional[str] = None,
        time_condition: Optional[str] = None,
    ) -> str:
        """Sends an order; ``price=None`` is a market order (``ANY``, ``IOC``). Returns its order id."""
        exchange, _, code = instrument.partition(".")
        if not exchange or not code:
            raise ValueError(f"instrument {instrument!r} must be EXCHANGE.code")
        if direction not in ("BUY", "SELL"):
            raise ValueError("direction must be BUY or SELL")
        if offset not in ("OPEN", "CLOSE", "CLOSETODAY", "CLOSEYESTERDAY"):
            raise ValueError("offset must be OPEN, CLOSE, CLOSETODAY or CLOSEYESTERDAY")
        if not isinstance(volume, int) or isinstance(volume, bool) or volume <= 0:
            raise ValueError("volume must be a whole number of lots above 0")
        order_id = order_id or f"{self._prefix}{next(self._ids)}"
        message: dict[str, Any] = {
            "aid": "insert_order",
            "user_id": self.user,
            "order_id": order_id,
            "exchange_id": exchange,
            "instrument_id": code,
            "direction": direction,
            "offset": offset,
            "volume": volume,
            "volume_condition": "ANY",
        }
        if price is None:
            message.update(price_type="ANY", time_condition=time_condition or "IOC")
        else:
            message.update(
                price_type="LIMIT",
                limit_price=ensure_finite("price", price),
                time_condition=time_condition or "GFD",
            )
        await self._send(message)
        return order_id

    async def cancel_order(self, order_id: str) -> None:
        await self._send({"aid": "cancel_order", "user_id": self.user, "order_id": order_id})

    async def wait_update(self, timeout: Optional[float] = None) -> bool:
        """Waits for the next change of the section; False on timeout."""
        assert self._event is not None, "connect() first"
        if not self._updated:
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), timeout)
            except asyncio.TimeoutError:
                return False
        self._updated = False
        return True

    async def wait_order(self, order_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Waits until the order is ``FINISHED`` and returns it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            order = self.order(order_id)
            if order is not None and order.get("status") == "FINISHED":
                return order
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"order {order_id} not finished within {timeout} s: {order}")
            await self.wait_update(min(left, 0.5))

    # The connection ------------------------------------------------------------------------

    async def _send(self, message: dict[str, Any]) -> None:
        socket = self._socket
        if socket is None or self.state != "ready":
            raise ConnectionError(f"not logged in to {self.url} ({self.state}: {self.detail})")
        await socket.send(json.dumps(message))

    def receive(self, text: str) -> None:
        """Applies one server frame."""
        try:
            frame = json.loads(text)
        except ValueError:
            self.detail = "the server sent a frame that is not JSON"
            return
        if not isinstance(frame, dict) or frame.get("aid") != "rtn_data" or not isinstance(frame.get("data"), list):
            return
        for part in frame["data"]:
            if not isinstance(part, dict):
                continue
            notify = part.get("notify")
            if isinstance(notify, dict):
                for entry in notify.values():
                    content = entry.get("content") if isinstance(entry, dict) else None
                    if isinstance(content, str):
                        self.notices.append(content)
                        del self.notices[:-200]
                        if LOGIN_OK in content and self.state == "logging_in":
                            self.state = "ready"
                        elif LOGIN_FAILED in content:
                            self.state, self.detail = "login_failed", content
            merge_patch(self._data, {k: v for k, v in part.items() if k != "notify"})
        self._updated = True
        if self._event is not None:
            self._event.set()

    async def _session(self) -> bool:
        async with websockets.connect(self.url, subprotocols=["rust-websocket"], open_timeout=10) as socket:
            self.state = "logging_in"
            self._data = {}  # a new login: the server sends the whole section again
            await socket.send(
                json.dumps({"aid": "req_login", "bid": self.broker, "user_name": self.user, "password": self._password})
            )
            self._socket = socket
            async for message in socket:
                if isinstance(message, str):
                    self.receive(message)
                if self.state == "login_failed":
                    return True
                if self.state == "ready":
                    self._attempt = 0
                await socket.send('{"aid":"peek_message"}')
        return False


class QIFIAccount:
    """A blocking account with QUANTAXIS names (``QIFI_Account``): ``send_order`` with ``towards``
    codes, ``buy_open`` / ``sell_open`` / ``buy_close`` / ``sell_close`` / ``buy_closetoday`` /
    ``sell_closetoday``, ``cancel_order``, and ``get_qifi()`` — orders go to the trade server over
    DIFF, so its risk checks and account engine apply::

        account = QIFIAccount("demo", "demo")
        order_id = account.buy_open("SHFE.rb888", 1, price)
        account.wait_order(order_id)
        print(account.get_qifi()["accounts"]["balance"])
    """

    def __init__(
        self,
        username: str,
        password: str,
        trade_url: str = DEFAULT_TRADE_URL,
        *,
        broker: str = "sim",
        portfolio: str = "QAPD",
        timeout: float = 10.0,
    ) -> None:
        self.account_cookie = username
        self.portfolio = portfolio
        self._thread = LoopThread()
        self._client = TradeClient(username, password, trade_url, broker=broker)
        try:
            self._thread.run(self._client.connect(timeout), timeout + 5)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "QIFIAccount":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._thread.run(self._client.close(), 10)
        finally:
            self._thread.close()

    @property
    def state(self) -> str:
        return self._client.state

    def send_order(self, code: str, amount: int, price: Optional[float], towards: int) -> str:
        """QUANTAXIS ``send_order``: ``towards`` 2 BUY_OPEN, -2 SELL_OPEN, 3 BUY_CLOSE, -3 SELL_CLOSE,
        4 BUY_CLOSETODAY, -4 SELL_CLOSETODAY (1 / -1 stock buy / sell). ``price=None``: market order."""
        if towards not in TOWARDS:
            raise ValueError(f"towards must be one of {sorted(TOWARDS)}")
        direction, offset = TOWARDS[towards]
        return self._thread.run(self._client.insert_order(code, direction, offset, amount, price), 10)

    def buy_open(self, code: str, amount: int, price: Optional[float] = None) -> str:
        return self.send_order(code, amount, price, 2)

    def sell_open(self, code: str, amount: int, price: Optional[float] = None) -> str:
        return self.send_order(code, amount, price, -2)

    def buy_close(self, code: str, amount: int, price: Optional[float] = None) -> str:
        return self.send_order(code, amount, price, 3)

    def sell_close(self, code: str, amount: int, price: Optional[float] = None) -> str:
        return self.send_order(code, amount, price, -3)

    def buy_closetoday(self, code: str, amount: int, price: Optional[float] = None) -> str:
        return self.send_order(code, amount, price, 4)

    def sell_closetoday(self, code: str, amount: int, price: Optional[float] = None) -> str:
        return self.send_order(code, amount, price, -4)

    def cancel_order(self, order_id: str) -> None:
        self._thread.run(self._client.cancel_order(order_id), 10)

    def wait_order(self, order_id: str, timeout: float = 10.0) -> dict[str, Any]:
        return self._thread.run(self._client.wait_order(order_id, timeout), timeout + 5)

    def wait_update(self, timeout: Optional[float] = None) -> bool:
        return self._thread.run(self._client.wait_update(timeout))

    @property
    def account_msg(self) -> dict[str, Any]:
        return self._thread.call(lambda: self._client.account)

    @property
    def positions(self) -> dict[str, dict[str, Any]]:
        return self._thread.call(lambda: self._client.positions)

    @property
    def orders(self) -> dict[str, dict[str, Any]]:
        return self._thread.call(lambda: self._client.orders)

    @property
    def trades(self) -> dict[str, dict[str, Any]]:
        return self._thread.call(lambda: self._client.trades)

    def get_position(self, code: str) -> dict[str, Any]:
        return self._thread.call(self._client.position, code)

    def get_qifi(self) -> dict[str, Any]:
        """The account as a QIFI document (no secrets: the password fields stay empty)."""

        def build() -> dict[str, Any]:
            section = self._client.section
            banks = copy.deepcopy(section.get("banks", {}))
            first = next(iter(banks.values()), {})
            account = copy.deepcopy(section.get("accounts", {}).get("CNY", {}))
            if not account.get("WithdrawQuota"):
                account["WithdrawQuota"] = account.get("available", 0)
            return {
                "account_cookie": self.account_cookie,
                "portfolio": self.portfolio,
                "broker_name": self._client.broker,
                "password": "",
                "bank_password": "",
                "capital_password": "",
                "wsuri": self._client.url,
                "sourceid": "qautlra-python",
                "model": "REAL" if self._client.broker not in ("sim", "SIM") else "SIM",
                "trading_day": str(section.get("session", {}).get("trading_day", "")),
                "investor_name": section.get("investor_name", ""),
                "status": 200 if self._client.state == "ready" else 600,
                "bankid": first.get("id", ""),
                "bankname": first.get("name", ""),
                "money": first.get("fetch_amount", 0),
                "accounts": account,
                "positions": copy.deepcopy(section.get("positions", {})),
                "orders": copy.deepcopy(section.get("orders", {})),
                "trades": copy.deepcopy(section.get("trades", {})),
                "transfers": copy.deepcopy(section.get("transfers", {})),
                "banks": banks,
                "event": {},
                "settlement": {},
            }

        return self._thread.call(build)
