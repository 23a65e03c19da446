"""Double moving-average cross in Python: long `lots` while the fast average of the close is above
the slow one, short while below — the Python twin of ma-cross.ts. Runs in backtests and live."""

from collections import deque

from qautlra.strategy import Strategy


class MaCross(Strategy):
    name = "py-ma-cross"
    description = "Double moving-average cross on futures, in Python: long above, short below."
    parameters = {
        "fast": {"default": 5, "min": 2, "max": 60, "step": 1, "description": "fast MA length (bars)"},
        "slow": {"default": 20, "min": 5, "max": 240, "step": 5, "description": "slow MA length (bars)"},
        "lots": {"default": 1, "min": 1, "max": 100, "step": 1, "description": "position size (lots)"},
    }
    # Its decisions read only its bars (it keeps its own record of the target it asked for), so the
    # bridge may hand it 2,000 bars at a time in backtests: the same trades, far fewer round trips.
    batch = 2000
    reads_state = False

    def on_start(self, ctx):
        if self.params["fast"] >= self.params["slow"]:
            raise ValueError("fast must be shorter than slow")
        self.fast, self.slow, self.lots = int(self.params["fast"]), int(self.params["slow"]), int(self.params["lots"])
        self.windows = {}  # instrument → [closes (the last `slow`), sum of the last `fast`, sum of all]
        self.targets = {}

    def on_bar(self, bar, ctx):
        fast, slow = self.fast, self.slow
        state = self.windows.get(bar["instrument"])
        if state is None:
            state = self.windows[bar["instrument"]] = [deque(), 0.0, 0.0]
        closes = state[0]
        close = bar["close"]
        closes.append(close)
        state[1] += close
        state[2] += close
        if len(closes) > fast:
            state[1] -= closes[-fast - 1]
        if len(closes) > slow:
            state[2] -= closes.popleft()
        if len(closes) < slow:
            return
        # The averages compare as their sums scaled to one length: exact on prices in ticks.
        quick, steady = state[1] * slow, state[2] * fast
        target = self.lots if quick > steady else -self.lots if quick < steady else None
        if target is not None and self.targets.get(bar["instrument"]) != target:
            self.targets[bar["instrument"]] = target
            ctx.target_position(bar["instrument"], target)
