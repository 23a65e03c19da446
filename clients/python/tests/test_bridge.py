"""The strategy bridge's protocol, spoken to a real `python -m qautlra.bridge` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "strategies" / "ma_cross.py"


def converse(*requests: dict) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "clients" / "python")}
    text = "".join(json.dumps(request) + "\n" for request in requests)
    result = subprocess.run([sys.executable, "-m", "qautlra.bridge"], input=text, env=env,
                            capture_output=True, text=True, timeout=60)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def bar(i: int, close: float) -> dict:
    return {"kind": "bar", "now": i, "trading_day": "20260105",
            "bar": {"instrument": "SHFE.rb2605", "end_ms": i, "close": close, "open": close, "high": close,
                    "low": close, "volume": 1}}


def test_describe_init_and_events_until_the_first_order() -> None:
    rising = [bar(i, 3000 + i) for i in range(30)]
    state = {"positions": {"SHFE.rb2605": {"net": 0}}}
    described, ready, done = converse(
        {"op": "describe", "file": str(EXAMPLE)},
        {"op": "init", "file": str(EXAMPLE), "params": {"fast": 5, "slow": 20, "lots": 2}, "accounts": ["a"]},
        {"op": "events", "state": state, "events": [{"kind": "start"}, *rising]},
    )
    assert described["op"] == "described" and described["name"] == "py-ma-cross" and described["batch"] == 2000
    assert ready["op"] == "ready"
    # start + 20 bars fill the slow window; the 20th bar (index 19) already has fast > slow: it orders.
    assert done.pop("busy_us") >= 0
    assert done == {"op": "done", "processed": 21, "actions": [{"op": "targetPosition", "instrument": "SHFE.rb2605", "net": 2}], "logs": []}


def test_an_exception_is_answered_with_its_traceback_and_the_process_goes_on() -> None:
    first, second = converse(
        {"op": "events", "state": {}, "events": [{"kind": "start"}]},
        {"op": "describe", "file": str(EXAMPLE)},
    )
    assert first["op"] == "error" and "init first" in first["error"] and "Traceback" in first["traceback"]
    assert second["op"] == "described"


def test_a_print_does_not_reach_the_protocol(tmp_path: Path) -> None:
    chatty = tmp_path / "chatty.py"
    chatty.write_text(
        "from qautlra.strategy import Strategy\n"
        "class Chatty(Strategy):\n"
        "    name = 'chatty'\n"
        "    def on_start(self, ctx):\n"
        "        print('hello from the strategy')\n"
        "        import os; os.write(1, b'raw bytes on fd 1\\n')\n"
        "        ctx.log('a log line')\n"
    )
    replies = converse(
        {"op": "init", "file": str(chatty), "params": {}, "accounts": []},
        {"op": "events", "state": {}, "events": [{"kind": "start"}]},
    )
    assert [reply["op"] for reply in replies] == ["ready", "done"]
    assert replies[1]["logs"] == ["a log line"]


def test_through_handles_every_event_and_lists_each_ones_orders() -> None:
    # ma_cross.py reads no state (reads_state = False): all bars go, each crossing's order by its index.
    closes = [3000 + i for i in range(30)] + [3030 - 2 * i for i in range(30)]
    described, _, done = converse(
        {"op": "describe", "file": str(EXAMPLE)},
        {"op": "init", "file": str(EXAMPLE), "params": {"fast": 5, "slow": 20, "lots": 1}, "accounts": ["a"]},
        {"op": "events", "state": {}, "through": True, "events": [{"kind": "start"}, *[bar(i, c) for i, c in enumerate(closes)]]},
    )
    assert described["reads_state"] is False
    assert done["processed"] == 61
    nets = [(index, actions[0]["net"]) for index, actions in done["acted"]]
    # Long once the slow window is full (index 20 = the 20th bar), short after the turn, once each.
    assert nets[0] == (20, 1) and [net for _, net in nets] == [1, -1]
