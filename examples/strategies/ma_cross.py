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
    # bridge may hand it 1,000 bars at a time in backtests: the same trades, far fewer round trips.
    batch = 1000
    reads_state = False

    def on_start(self, ctx):
        if self.params["fast"] >= self.params["slow"]:
            raise ValueError("fast must be shorter than slow")
        self.windows = {}
        self.targets = {}

    def on_bar(self, bar, ctx):
        fast, slow, lots = int(self.params["fast"]), int(self.params["slow"]), int(self.params["lots"])
        window = self.windows.setdefault(bar["instrument"], deque(maxlen=slow))
        window.append(bar["close"])
        if len(window) < slow:
            return
        closes = list(window)
        quick = sum(closes[-fast:]) / fast
        steady = sum(closes) / slow
        target = lots if quick > steady else -lots if quick < steady else None
        if target is not None and self.targets.get(bar["instrument"]) != target:
            self.targets[bar["instrument"]] = target
            ctx.target_position(bar["instrument"], target)
