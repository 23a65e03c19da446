"""Every Python example of clients/python/README.md runs, as written, against the started platform."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = [
    (README.read_text()[: match.start()].count("\n") + 2, match.group(1))
    for match in re.finditer(r"```python\n(.*?)```", README.read_text(), re.S)
]


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("line,code", BLOCKS, ids=[f"README.md:{line}" for line, _ in BLOCKS])
def test_readme_example_runs(platform, line: int, code: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(README.parent)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"README.md:{line} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stdout.strip(), f"README.md:{line} printed nothing"
