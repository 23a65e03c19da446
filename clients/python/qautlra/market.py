"""Market data from the gateway's ``/ws/market`` (the DIFF quote protocol, pushed)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator, Iterable, Optional

import websockets

from ._loop import LoopThread, Reconnecting

DEFAULT_MARKET_URL = "ws://localhost:8014/ws/market"


def quotes_of_frame(text: str) -> dict[str, dict[str, Any]]:
    """The ``quotes`` patches of one ``rtn_data`` frame, by instrument (empty for any other frame)."""
    try:
        frame = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(frame, dict) or frame.get("aid") != "rtn_data" or not isinstance(frame.get("data"), list):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for part in frame["data"]:
        quotes = part.get("quotes") if isinstance(part, dict) else None
        if not isinstance(quotes, dict):
            continue
        for instrument, patch in quotes.items():
            if isinstance(patch, dict):
                out.setdefault(instrument, {}).update(patch)
    return out


class MarketData(Reconnecting):
    """An asyncio client of the gateway: subscribe, and each instrument's quote merged from its patches.

    It reconnects with back-off when the connection drops and subscribes again (the gateway then
    sends full snapshots), forever, until :meth:`close`::

        async with MarketData("ws://localhost:8014/ws/market") as md:
            await md.subscribe(["SHFE.rb888"])
            changed = await md.wait_update(timeout=10)
            print(md.quote("SHFE.rb888")["last_price"])
    """

    def __init__(
        self,
        url: str = DEFAULT_MARKET_URL,
        *,
        backoff_base: float = 0.5,
        backoff_cap: float = 10.0,
        max_size: int = 64 * 1024 * 1024,
    ) -> None:
        super().__init__(url, backoff_base, backoff_cap)
        self._wanted: list[str] = []
        self._quotes: dict[str, dict[str, Any]] = {}
        self._changed: set[str] = set()
        self._listeners: list[asyncio.Queue[tuple[str, dict[str, Any]]]] = []
        self._max_size = max_size

    async def __aenter__(self) -> "MarketData":
        await self.connect()
        return self

    async def connect(self, timeout: float = 10.0) -> None:
        """Starts the connection loop and waits for the first connection."""
        self._start()
        await self._until(lambda: self.state == "connected", timeout, "the gateway")

    async def subscribe(self, instruments: Iterable[str]) -> None:
        """Adds instruments (``EXCHANGE.code``); the whole list is sent, as ``subscribe_quote`` replaces it."""
        added = False
        for instrument in instruments:
            if instrument not in self._wanted:
                self._wanted.append(instrument)
                added = True
        if added:
            await self._send_subscriptions()

    async def unsubscribe(self, instruments: Iterable[str]) -> None:
        dropped = [i for i in instruments if i in self._wanted]
        for instrument in dropped:
            self._wanted.remove(instrument)
            self._quotes.pop(instrument, None)
        if not dropped:
            return
        if self._wanted:
            await self._send_subscriptions()
        else:
            await self._send({"aid": "unsubscribe_quote", "ins_list": ",".join(dropped)})

    @property
    def subscriptions(self) -> list[str]:
        return list(self._wanted)

    def quote(self, instrument: str) -> Optional[dict[str, Any]]:
        """The merged quote of an instrument (``None`` before its first update)."""
        quote = self._quotes.get(instrument)
        return dict(quote) if quote is not None else None

    def quotes(self) -> dict[str, dict[str, Any]]:
        return {instrument: dict(quote) for instrument, quote in self._quotes.items()}

    def dataframe(self) -> Any:
        """The merged quotes as a pandas DataFrame indexed by instrument (pandas must be installed)."""
        import pandas as pd

        frame = pd.DataFrame.from_dict(self.quotes(), orient="index")
        frame.index.name = "instrument_id"
        return frame

    async def wait_update(self, timeout: Optional[float] = None) -> set[str]:
        """Waits for quote changes; returns the instruments changed since the last call (empty on timeout)."""
        assert self._event is not None, "connect() first"
        if not self._changed:
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), timeout)
            except asyncio.TimeoutError:
                return set()
        changed, self._changed = self._changed, set()
        return changed

    async def updates(self) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Every quote change as ``(instrument, merged quote)``, in arrival order."""
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue(maxsize=100_000)
        self._listeners.append(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._listeners.remove(queue)

    def receive(self, text: str) -> None:
        """Applies one frame as the gateway sends it (instruments no longer subscribed are ignored:
        frames already on the way when they were dropped)."""
        for instrument, patch in quotes_of_frame(text).items():
            if instrument not in self._wanted:
                continue
            quote = self._quotes.setdefault(instrument, {})
            quote.update(patch)
            self._changed.add(instrument)
            for queue in self._listeners:
                if not queue.full():
                    queue.put_nowait((instrument, dict(quote)))
        if self._changed and self._event is not None:
            self._event.set()

    async def _until(self, condition: Any, timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise TimeoutError(f"no connection to {what} at {self.url} within {timeout} s ({self.detail})")
            await asyncio.sleep(0.02)

    async def _send_subscriptions(self) -> None:
        if self._wanted:
            await self._send({"aid": "subscribe_quote", "ins_list": ",".join(self._wanted)})

    async def _send(self, message: dict[str, Any]) -> None:
        socket = self._socket
        if socket is not None and self.state == "connected":
            try:
                await socket.send(json.dumps(message))
            except websockets.ConnectionClosed:
                pass  # the loop reconnects and sends the whole list again

    async def _session(self) -> bool:
        async with websockets.connect(self.url, max_size=self._max_size, open_timeout=10) as socket:
            self._socket = socket
            self.state, self.detail, self._attempt = "connected", self.url, 0
            await self._send_subscriptions()
            async for message in socket:
                if isinstance(message, str):
                    self.receive(message)
        return False


class MarketDataSync:
    """The blocking style of :class:`MarketData` (its loop runs in a background thread)::

        md = MarketDataSync()
        md.subscribe(["SHFE.rb888"])
        md.wait_update(timeout=10)
        print(md.quote("SHFE.rb888"))
        md.close()
    """

    def __init__(self, url: str = DEFAULT_MARKET_URL, *, timeout: float = 10.0, **options: Any) -> None:
        self._thread = LoopThread()
        self._client = MarketData(url, **options)
        try:
            self._thread.run(self._client.connect(timeout), timeout + 5)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "MarketDataSync":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def state(self) -> str:
        return self._client.state

    def subscribe(self, instruments: Iterable[str]) -> None:
        self._thread.run(self._client.subscribe(list(instruments)), 10)

    def unsubscribe(self, instruments: Iterable[str]) -> None:
        self._thread.run(self._client.unsubscribe(list(instruments)), 10)

    def wait_update(self, timeout: Optional[float] = None) -> set[str]:
        return self._thread.run(self._client.wait_update(timeout))

    def quote(self, instrument: str) -> Optional[dict[str, Any]]:
        return self._thread.call(self._client.quote, instrument)

    def quotes(self) -> dict[str, dict[str, Any]]:
        return self._thread.call(self._client.quotes)

    def dataframe(self) -> Any:
        return self._thread.call(self._client.dataframe)

    def close(self) -> None:
        try:
            self._thread.run(self._client.close(), 10)
        finally:
            self._thread.close()
