"""The bridge between the platform and a Python strategy: ``python -m qautlra.bridge``.

JSON lines: requests on stdin, answers on the process's original stdout, which the bridge keeps for
itself — ``print`` and anything else written to file descriptor 1 go to stderr, and the platform
shows them in the instance's log. One request, one answer:

- ``{"op":"describe","file":…}`` → ``{"op":"described","name","description","parameters","batch"}``
- ``{"op":"init","file":…,"params":{…},"accounts":[…]}`` → ``{"op":"ready",…}``
- ``{"op":"events","state":{…},"events":[{"kind":"bar"|"tick"|"order"|"trade"|"day"|"start"|"end",…}]}``
  → ``{"op":"done","processed":k,"actions":[…],"logs":[…]}``: events are handled in order until one
  makes orders (or all are handled); the actions are that event's.
- any failure → ``{"op":"error","error":…,"traceback":…}``
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Optional, TextIO

from .strategy import Context, Strategy

BAR_HISTORY = 2000
#: The protocol channel (the process's original stdout), once the bridge runs.
PROTOCOL: Optional[TextIO] = None


def load_class(file: str) -> type[Strategy]:
    path = Path(file).resolve()
    spec = importlib.util.spec_from_file_location(f"qautlra_user_{path.stem.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{file} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Strategy) and value is not Strategy
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise TypeError(f"{file} must define exactly one subclass of qautlra.strategy.Strategy, found {len(found)}")
    cls = found[0]
    if not cls.name:
        raise TypeError(f"{cls.__name__} needs a name")
    return cls


def describe(cls: type[Strategy]) -> dict[str, Any]:
    return {
        "op": "described",
        "name": cls.name,
        "description": cls.description,
        "parameters": cls.parameters,
        "batch": max(1, int(cls.batch)),
        "reads_state": bool(cls.reads_state),
    }


def decode(event: list[Any]) -> dict[str, Any]:
    """A bar or tick in the compact form the platform sends in bulk (field order fixed)."""
    if event[0] == "b":
        _, instrument, frequency, start, end, day, o, h, l, c, v, amount, oi = event
        bar = {"instrument": instrument, "frequency": frequency, "start_ms": start, "end_ms": end,
               "trading_day": day, "open": o, "high": h, "low": l, "close": c, "volume": v}
        if amount is not None:
            bar["amount"] = amount
        if oi is not None:
            bar["open_interest"] = oi
        return {"kind": "bar", "now": end, "trading_day": day, "bar": bar}
    if event[0] == "t":
        _, instrument, at, day, last, bid, bid_volume, ask, ask_volume, volume, upper, lower = event
        tick = {"instrument": instrument, "datetime_ms": at, "trading_day": day, "last_price": last,
                "bid_price": bid, "bid_volume": bid_volume, "ask_price": ask, "ask_volume": ask_volume,
                "volume": volume}
        if upper is not None:
            tick["upper_limit"] = upper
        if lower is not None:
            tick["lower_limit"] = lower
        return {"kind": "tick", "now": at, "trading_day": day, "tick": tick}
    raise ValueError(f"unknown compact event {event[0]!r}")


class Session:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = 0.0
        self.strategy: Optional[Strategy] = None
        self.ctx: Optional[Context] = None

    def reply(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode()
        self.out.flush()  # anything a strategy wrote on the channel itself goes first
        view = memoryview(data)
        while view:
            view = view[os.write(self.out.fileno(), view):]

    def handle(self, message: dict[str, Any], started: float = 0.0) -> None:
        self.started = started
        op = message.get("op")
        if op == "describe":
            self.reply(describe(load_class(message["file"])))
        elif op == "init":
            cls = load_class(message["file"])
            params = dict(message.get("params", {}))
            self.strategy = cls(params)
            self.ctx = Context(params, list(message.get("accounts", [])), BAR_HISTORY)
            self.reply({**describe(cls), "op": "ready"})
        elif op == "events":
            self.events(message)
        else:
            raise ValueError(f"unknown op {op!r}")

    def events(self, message: dict[str, Any]) -> None:
        strategy, ctx = self.strategy, self.ctx
        if strategy is None or ctx is None:
            raise RuntimeError("init first")
        ctx._state = message.get("state", {})
        # "through": handle every event, each one's orders listed by its index (strategies that do
        # not read positions, the account or orders to decide: `reads_state = False`).
        through = bool(message.get("through"))
        acted: list[list[Any]] = []
        processed = 0
        for event in message["events"]:
            processed += 1
            if isinstance(event, list) and event[0] == "b" and len(event) == 13:
                # The bulk form of a bar, straight to on_bar (the common case of a backtest).
                _, instrument, frequency, start, end, day, o, h, l, c, v, amount, oi = event
                bar = {"instrument": instrument, "frequency": frequency, "start_ms": start, "end_ms": end,
                       "trading_day": day, "open": o, "high": h, "low": l, "close": c, "volume": v}
                if amount is not None:
                    bar["amount"] = amount
                if oi is not None:
                    bar["open_interest"] = oi
                state = ctx._state
                state["now"] = end
                state["trading_day"] = day
                bars = ctx._bars.get(instrument)
                if bars is None:
                    bars = ctx._bars[instrument] = []
                bars.append(bar)
                if len(bars) > 2 * BAR_HISTORY:
                    del bars[:-BAR_HISTORY]
                strategy.on_bar(bar, ctx)
                if ctx._actions:
                    if not through:
                        break
                    acted.append([processed - 1, ctx._actions])
                    ctx._actions = []
                continue
            if isinstance(event, list):
                event = decode(event)
            if "now" in event:
                ctx._state["now"] = event["now"]
            if "trading_day" in event:
                ctx._state["trading_day"] = event["trading_day"]
            kind = event["kind"]
            if kind == "bar":
                bar = event["bar"]
                bars = ctx._bars.setdefault(bar["instrument"], [])
                bars.append(bar)
                if len(bars) > 2 * BAR_HISTORY:
                    del bars[:-BAR_HISTORY]
                strategy.on_bar(bar, ctx)
            elif kind == "tick":
                strategy.on_tick(event["tick"], ctx)
            elif kind == "order":
                strategy.on_order(event["order"], ctx)
            elif kind == "trade":
                strategy.on_trade(event["trade"], ctx)
            elif kind == "day":
                strategy.on_day(event["day"], ctx)
            elif kind == "start":
                strategy.on_start(ctx)
            elif kind == "end":
                strategy.on_end(ctx)
            else:
                raise ValueError(f"unknown event kind {kind!r}")
            if ctx._actions:
                if not through:
                    break
                acted.append([processed - 1, ctx._actions])
                ctx._actions = []
        actions, logs = ctx._actions, ctx._logs
        ctx._actions, ctx._logs = [], []
        # busy_us: time in this process for the request, parsing included (benchmarks read it).
        busy = round((time.perf_counter() - self.started) * 1e6)
        reply = {"op": "done", "processed": processed, "actions": actions, "logs": logs, "busy_us": busy}
        if through:
            reply["acted"] = acted
        self.reply(reply)


def main() -> None:
    # The protocol keeps the original stdout; whatever else is written to fd 1 goes to stderr.
    global PROTOCOL
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    PROTOCOL = out
    # Run as `python -m`, this module is __main__: strategies importing qautlra.bridge get this one.
    sys.modules.setdefault("qautlra.bridge", sys.modules[__name__])
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    session = Session(out)
    stdin = sys.stdin.buffer
    while True:
        line = stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            started = time.perf_counter()
            session.handle(json.loads(line), started)
        except Exception as error:  # noqa: BLE001 — every failure is reported, with its traceback
            session.reply({"op": "error", "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()})


if __name__ == "__main__":
    main()
