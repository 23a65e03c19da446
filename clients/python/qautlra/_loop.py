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
