"""One asyncio loop in a daemon thread: the blocking clients run their async twins on it."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, Optional, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs coroutines on a private event loop from synchronous code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="qautlra-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Awaitable[T], timeout: Optional[float] = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[arg-type]
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Calls ``fn`` on the loop's thread (so it sees the client's state between two frames)."""

        async def inline() -> T:
            return fn(*args)

        return self.run(inline(), 10)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()


def jittered_backoff(attempt: int, base: float, cap: float) -> float:
    """Capped exponential back-off with full jitter (seconds)."""
    import random

    return random.uniform(0, min(cap, base * (2 ** min(attempt, 16))))


def describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def ensure_finite(name: str, value: Any) -> float:
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


class Reconnecting:
    """A connection kept by a background task: one session at a time (``_session``), replaced with
    capped, jittered back-off when it ends, until :meth:`close`."""

    url: str

    def __init__(self, url: str, backoff_base: float, backoff_cap: float) -> None:
        self.url = url
        self.state = "disconnected"
        self.detail = ""
        self._socket: Any = None
        self._task: Optional["asyncio.Task[None]"] = None
        self._event: Optional[asyncio.Event] = None
        self._backoff = (backoff_base, backoff_cap)
        #: Failed sessions in a row (a session that got going sets it back to 0).
        self._attempt = 0

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _start(self) -> None:
        self._event = asyncio.Event()
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        task, self._task = self._task, None
        if task:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        if self.state != "login_failed":
            self.state = "closed"

    async def _session(self) -> bool:
        """One connection, until it ends; True: do not reconnect."""
        raise NotImplementedError

    async def _run(self) -> None:
        while True:
            self.state = "connecting"
            try:
                if await self._session():
                    return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 — any failure means: reconnect
                self.detail = describe(error)
            finally:
                self._socket = None
            self.state = "disconnected"
            await asyncio.sleep(jittered_backoff(self._attempt, *self._backoff))
            self._attempt += 1
