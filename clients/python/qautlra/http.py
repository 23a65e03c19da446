"""HTTP clients: the time-series DB (SQL, bars), fund analytics and backtests. Standard library only."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Optional

DEFAULT_TSDB_URL = "http://localhost:18000"
DEFAULT_FUND_URL = "http://localhost:8020"
DEFAULT_BACKTEST_URL = "http://localhost:8021"


class ApiError(Exception):
    """An app answered with an error: its HTTP status and the platform's error body
    (``{statusCode, code, message, details}``)."""

    def __init__(self, status: int, body: Any, url: str) -> None:
        self.status = status
        self.body = body
        self.url = url
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{status} from {url}: {message}")

    @property
    def code(self) -> Optional[str]:
        return self.body.get("code") if isinstance(self.body, dict) else None


class HttpApi:
    """JSON over HTTP with the platform's error shape; ``auth`` is a ready ``Authorization`` value."""

    def __init__(self, base_url: str, *, auth: Optional[str] = None, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[dict[str, Any]] = None,
        body: Any = None,
        raw: bool = False,
    ) -> Any:
        url = self.base_url + path
        if query:
            pairs = {k: ",".join(v) if isinstance(v, (list, tuple)) else v for k, v in query.items() if v is not None}
            url += "?" + urllib.parse.urlencode(pairs)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self._auth:
            request.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
                if raw:
                    return payload.decode("utf-8")
                return json.loads(payload) if payload else None
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            try:
                parsed: Any = json.loads(text)
            except ValueError:
                parsed = text
            raise ApiError(error.code, parsed, url) from None

    def get(self, path: str, **query: Any) -> Any:
        return self.request("GET", path, query=query)

    def post(self, path: str, body: Any = None, **query: Any) -> Any:
        return self.request("POST", path, body=body, query=query)


def _frame(rows: list[dict[str, Any]], index: Optional[str] = None) -> Any:
    import pandas as pd

    frame = pd.DataFrame.from_records(rows)
    if index and index in frame.columns:
        frame = frame.set_index(index)
    return frame


class Tsdb(HttpApi):
    """The time-series DB (QADB): SQL over the stored ticks and bars built from them."""

    def __init__(
        self, url: str = DEFAULT_TSDB_URL, *, username: str = "admin", password: str = "admin", timeout: float = 60.0
    ) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        super().__init__(url, auth=f"Basic {token}", timeout=timeout)

    def sql(self, query: str, *, start_time: Optional[str] = None, end_time: Optional[str] = None) -> list[dict[str, Any]]:
        """Rows of a SQL query (DuckDB dialect; streams are tables)."""
        body: dict[str, Any] = {"query": query}
        if start_time:
            body["startTime"] = start_time
        if end_time:
            body["endTime"] = end_time
        return self.post("/api/v1/query", body)

    def sql_df(self, query: str, **options: Any) -> Any:
        """:meth:`sql` as a pandas DataFrame."""
        return _frame(self.sql(query, **options))

    def streams(self) -> list[str]:
        return [entry["name"] for entry in self.get("/api/v1/logstream")]

    def bars(
        self,
        instrument: str,
        period: str = "1m",
        *,
        stream: str = "market_data",
        start: Optional[str] = None,
        end: Optional[str] = None,
    ) -> list[dict[str, Any]]:
        """Bars of an instrument built from its ticks (``period`` 1m, 5m, 15m, 30m, 1h or 1d)."""
        return self.get("/api/v1/bars", stream=stream, instrument=instrument, period=period, start=start, end=end)

    def bars_df(self, instrument: str, period: str = "1m", **options: Any) -> Any:
        """:meth:`bars` as a DataFrame indexed by the bar's time."""
        import pandas as pd

        frame = _frame(self.bars(instrument, period, **options))
        if "datetime" in frame.columns:
            frame["datetime"] = pd.to_datetime(frame["datetime"])
            frame = frame.set_index("datetime")
        return frame

    def latest(self, instruments: Optional[list[str]] = None, *, stream: str = "market_data") -> Any:
        return self.get("/api/v1/latest", stream=stream, instruments=instruments)


class FundAnalytics(HttpApi):
    """Fund analytics: products, NAV series, statistics, comparisons and tear sheets."""

    def __init__(self, url: str = DEFAULT_FUND_URL, *, timeout: float = 60.0) -> None:
        super().__init__(url, timeout=timeout)

    def products(self) -> list[dict[str, Any]]:
        return self.get("/api/products")

    def nav(self, code: str, *, start: Optional[str] = None, end: Optional[str] = None) -> dict[str, Any]:
        """A product and its NAV series (``nav``: ``[{date, nav, …}]``)."""
        return self.get(f"/api/products/{urllib.parse.quote(code)}/nav", start=start, end=end)

    def nav_df(self, code: str, **options: Any) -> Any:
        """The NAV series as a DataFrame indexed by date."""
        return _frame(self.nav(code, **options)["nav"], index="date")

    def metrics(self, code: str, *, preset: Optional[str] = None, benchmark: Optional[str] = None) -> dict[str, Any]:
        return self.get(f"/api/products/{urllib.parse.quote(code)}/metrics", preset=preset, benchmark=benchmark)

    def compare(self, codes: list[str], **options: Any) -> Any:
        return self.post("/api/compare", {"codes": codes, **options})

    def report_html(self, code: str, *, benchmark: Optional[str] = None) -> str:
        return self.request(
            "GET", f"/api/products/{urllib.parse.quote(code)}/report", query={"benchmark": benchmark}, raw=True
        )


class Backtests(HttpApi):
    """The backtest service: strategies, runs (queued, then polled), their parts."""

    def __init__(self, url: str = DEFAULT_BACKTEST_URL, *, timeout: float = 60.0) -> None:
        super().__init__(url, timeout=timeout)

    def strategies(self) -> list[dict[str, Any]]:
        return self.get("/api/strategies")

    def submit(self, strategy: str, instruments: list[str], start: str, end: str, **options: Any) -> dict[str, Any]:
        """Queues a run (``from`` = ``start``, ``to`` = ``end``, trading days ``YYYY-MM-DD``)."""
        return self.post("/api/runs", {"strategy": strategy, "instruments": instruments, "from": start, "to": end, **options})

    def run(self, run_id: str) -> dict[str, Any]:
        return self.get(f"/api/runs/{run_id}")

    def wait(self, run_id: str, timeout: float = 300.0, poll: float = 0.2) -> dict[str, Any]:
        """Polls a run until it is done or failed."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.run(run_id)
            if run.get("status") in ("done", "failed"):
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} still {run.get('status')} after {timeout} s")
            time.sleep(poll)

    def part(self, run_id: str, part: str) -> Any:
        """``trades``, ``orders``, ``daily``, ``equity`` or ``logs`` of a finished run."""
        return self.get(f"/api/runs/{run_id}/{part}")

    def run_backtest(self, strategy: str, instruments: list[str], start: str, end: str, **options: Any) -> dict[str, Any]:
        """Submits and waits: the finished run."""
        return self.wait(self.submit(strategy, instruments, start, end, **options)["id"])
