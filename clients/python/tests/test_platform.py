"""The SDK against a started platform (``npm start``): quotes, orders, the tsdb, funds, backtests."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from typing import Any

import pytest

from qautlra import ApiError, Backtests, FundAnalytics, LoginError, MarketData, MarketDataSync, QIFIAccount, TradeClient, Tsdb


def first_quote(md: MarketDataSync, instrument: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while (quote := md.quote(instrument)) is None or "last_price" not in quote:
        assert time.monotonic() < deadline, f"no quote of {instrument}"
        md.wait_update(timeout=1)
    return quote


def test_blocking_market_data_merges_quotes_and_makes_a_dataframe(platform, rebar) -> None:
    with MarketDataSync(platform.market_url) as md:
        md.subscribe([rebar["id"], "SHFE.rb888"])
        quote = first_quote(md, rebar["id"])
        assert quote["instrument_id"] == rebar["id"]
        assert quote["lower_limit"] <= quote["last_price"] <= quote["upper_limit"]
        first_quote(md, "SHFE.rb888")
        frame = md.dataframe()
        assert {rebar["id"], "SHFE.rb888"} <= set(frame.index)
        assert frame.loc[rebar["id"], "last_price"] > 0
        md.unsubscribe(["SHFE.rb888"])
        assert md.quote("SHFE.rb888") is None


def test_async_market_data_yields_updates_and_resubscribes_after_the_gateway_restarts(platform, rebar) -> None:
    async def run() -> None:
        async with MarketData(platform.market_url, backoff_base=0.1, backoff_cap=1) as md:
            await md.subscribe([rebar["id"]])
            updates = md.updates()
            instrument, quote = await asyncio.wait_for(updates.__anext__(), 30)
            assert instrument == rebar["id"] and quote["last_price"] > 0
            gateway = next(c for c in platform.components() if c["app"] == "md-gateway")
            os.kill(gateway["process"]["pid"], signal.SIGKILL)
            # The supervisor restarts it; the client reconnects and subscribes again on its own.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            while md.state == "connected":
                assert loop.time() < deadline, "the drop was not seen"
                await asyncio.sleep(0.05)
            while md.state != "connected":
                assert loop.time() < deadline, f"no reconnect: {md.detail}"
                await asyncio.sleep(0.05)
            instrument, quote = await asyncio.wait_for(updates.__anext__(), 30)
            assert instrument == rebar["id"]
            await updates.aclose()

    asyncio.run(run())


def test_qifi_account_opens_and_closes_through_the_trade_server(platform, rebar) -> None:
    with MarketDataSync(platform.market_url) as md, QIFIAccount("demo", "demo", platform.trade_url) as account:
        md.subscribe([rebar["id"]])
        quote = first_quote(md, rebar["id"])
        before = account.get_position(rebar["id"]).get("volume_long_today", 0)
        opened = account.wait_order(account.buy_open(rebar["id"], 1, quote["upper_limit"]))
        assert opened["status"] == "FINISHED" and opened["volume_left"] == 0
        assert account.get_position(rebar["id"])["volume_long_today"] == before + 1
        # SHFE: CLOSE takes yesterday's lots only, so today's is refused, and CLOSETODAY closes it.
        refused = account.wait_order(account.sell_close(rebar["id"], 1, quote["lower_limit"]))
        assert refused["volume_left"] == 1 and "INSUFFICIENT_POSITION" in refused["last_msg"]
        closed = account.wait_order(account.sell_closetoday(rebar["id"], 1, quote["lower_limit"]))
        assert closed["volume_left"] == 0
        qifi = account.get_qifi()
        assert qifi["account_cookie"] == "demo" and qifi["password"] == ""
        assert qifi["positions"][rebar["id"]]["volume_long_today"] == before
        ids = {trade["order_id"] for trade in qifi["trades"].values()}
        assert {opened["order_id"], closed["order_id"]} <= ids
        assert qifi["accounts"]["balance"] > 0


def test_the_trade_servers_risk_check_applies_to_the_sdk(platform, rebar) -> None:
    with QIFIAccount("demo", "demo", platform.trade_url) as account:
        order_id = account.send_order(rebar["id"], 100_000, rebar["lower_limit"], 2)
        order = account.wait_order(order_id)
        assert order["volume_orign"] == 100_000 and order["volume_left"] == 100_000  # refused, nothing traded
        assert order["last_msg"]


def test_a_wrong_password_raises_login_error(platform) -> None:
    with pytest.raises(LoginError):
        QIFIAccount("demo", "not-the-password", platform.trade_url, timeout=15)


def test_async_trade_client_cancels_a_resting_order(platform, rebar) -> None:
    async def run() -> None:
        async with TradeClient("demo", "demo", platform.trade_url) as client:
            order_id = await client.insert_order(rebar["id"], "BUY", "OPEN", 1, rebar["lower_limit"])
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30
            while (client.order(order_id) or {}).get("status") != "ALIVE":
                assert loop.time() < deadline
                await client.wait_update(0.5)
            await client.cancel_order(order_id)
            order = await client.wait_order(order_id, 30)
            assert order["volume_left"] == 1 and order["last_msg"]

    asyncio.run(run())


def test_tsdb_sql_and_bars_into_dataframes(platform, rebar) -> None:
    db = Tsdb(platform.tsdb_url)
    assert "market_data" in db.streams()
    rows = db.sql("SELECT instrument_id, count(*) AS ticks FROM market_data GROUP BY 1 ORDER BY 2 DESC LIMIT 3")
    assert rows and rows[0]["ticks"] > 0
    frame = db.sql_df("SELECT last_price FROM market_data LIMIT 5")
    assert list(frame.columns) == ["last_price"] and len(frame) == 5
    bars = db.bars_df(rebar["id"], "5m")
    assert len(bars) > 10
    assert {"open", "high", "low", "close", "volume"} <= set(bars.columns)
    assert (bars["high"] >= bars["low"]).all()
    with pytest.raises(ApiError) as error:
        db.sql("SELECT * FROM no_such_stream")
    assert error.value.status == 400


def test_fund_analytics_products_nav_and_metrics(platform) -> None:
    funds = FundAnalytics(platform.fund_url)
    codes = [product["code"] for product in funds.products()]
    assert "QD0001" in codes
    nav = funds.nav_df("QD0001")
    assert len(nav) > 50 and "unit_nav" in nav.columns
    metrics = funds.metrics("QD0001", preset="empyrical")
    assert isinstance(metrics["metrics"]["sharpe"], float)
    with pytest.raises(ApiError) as error:
        funds.nav("NO-SUCH-FUND")
    assert error.value.status == 404


def test_backtests_run_and_their_parts(platform) -> None:
    backtests = Backtests(platform.backtest_url)
    assert "ma-cross" in [strategy["name"] for strategy in backtests.strategies()]
    run = backtests.run_backtest("ma-cross", ["SHFE.rb888"], "2026-01-05", "2026-01-16")
    assert run["status"] == "done", run
    trades = backtests.part(run["id"], "trades")
    assert isinstance(trades, (list, dict))
    with pytest.raises(ApiError) as error:
        backtests.submit("no-such-strategy", ["SHFE.rb888"], "2026-01-05", "2026-01-16")
    assert error.value.status in (400, 404)
