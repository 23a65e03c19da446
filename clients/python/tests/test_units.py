"""The SDK's pure parts: merge patches, quote frames, order checks, the QUANTAXIS codes."""

from __future__ import annotations

import asyncio
import json

import pytest

from qautlra._merge import merge_patch
from qautlra.market import MarketData, quotes_of_frame
from qautlra.trade import TOWARDS, TradeClient


def test_merge_patch_deletes_with_none_merges_objects_and_replaces_the_rest() -> None:
    target = {"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2]}
    merge_patch(target, {"a": None, "b": {"c": None, "f": 4}, "e": [3], "g": {"h": 5}})
    assert target == {"b": {"d": 3, "f": 4}, "e": [3], "g": {"h": 5}}


def test_quotes_of_frame_reads_rtn_data_and_ignores_the_rest() -> None:
    frame = {"aid": "rtn_data", "data": [{"quotes": {"SHFE.rb2605": {"last_price": 3500}}}, {"quotes": {"SHFE.rb2605": {"volume": 7}}}]}
    assert quotes_of_frame(json.dumps(frame)) == {"SHFE.rb2605": {"last_price": 3500, "volume": 7}}
    for garbage in ["not json", "[]", '{"aid":"rtn_data"}', '{"aid":"other","data":[]}', '{"aid":"rtn_data","data":[1,{"quotes":3}]}']:
        assert quotes_of_frame(garbage) == {}


def test_market_data_merges_patches_per_instrument() -> None:
    async def run() -> None:
        md = MarketData("ws://127.0.0.1:9/none")
        md._event = asyncio.Event()
        md._wanted = ["X.a"]
        md.receive(json.dumps({"aid": "rtn_data", "data": [{"quotes": {"X.a": {"last_price": 1, "volume": 2}}}]}))
        md.receive(json.dumps({"aid": "rtn_data", "data": [{"quotes": {"X.a": {"last_price": 3}}}]}))
        md.receive(json.dumps({"aid": "rtn_data", "data": [{"quotes": {"X.b": {"last_price": 9}}}]}))
        assert md.quote("X.a") == {"last_price": 3, "volume": 2}
        assert md.quote("X.b") is None
        assert await md.wait_update(0) == {"X.a"}
        assert await md.wait_update(0.01) == set()

    asyncio.run(run())


def test_trade_client_refuses_bad_orders_before_sending() -> None:
    async def run() -> None:
        client = TradeClient("u", "p", "ws://127.0.0.1:9/none")
        for args, problem in [
            (("rb2605", "BUY", "OPEN", 1), "EXCHANGE.code"),
            (("SHFE.rb2605", "LONG", "OPEN", 1), "direction"),
            (("SHFE.rb2605", "BUY", "SHUT", 1), "offset"),
            (("SHFE.rb2605", "BUY", "OPEN", 0), "volume"),
            (("SHFE.rb2605", "BUY", "OPEN", 1.5), "volume"),
            (("SHFE.rb2605", "BUY", "OPEN", True), "volume"),
        ]:
            with pytest.raises(ValueError, match=problem):
                await client.insert_order(*args)
        with pytest.raises(ValueError, match="finite"):
            await client.insert_order("SHFE.rb2605", "BUY", "OPEN", 1, float("nan"))
        with pytest.raises(ConnectionError, match="not logged in"):
            await client.insert_order("SHFE.rb2605", "BUY", "OPEN", 1, 3500)

    asyncio.run(run())


def test_trade_client_keeps_the_users_section_merged_and_sees_a_refused_login() -> None:
    client = TradeClient("u", "p", "ws://127.0.0.1:9/none")
    client.state = "logging_in"
    client.receive(json.dumps({"aid": "rtn_data", "data": [{"notify": {"1": {"content": "登录成功"}}}, {"trade": {"u": {"accounts": {"CNY": {"balance": 5, "available": 5}}}}}]}))
    assert client.state == "ready"
    client.receive(json.dumps({"aid": "rtn_data", "data": [{"trade": {"u": {"accounts": {"CNY": {"balance": 6}}, "orders": {"o1": {"status": "ALIVE"}}}}}]}))
    assert client.account == {"balance": 6, "available": 5}
    assert client.order("o1") == {"status": "ALIVE"}
    client.receive(json.dumps({"aid": "rtn_data", "data": [{"notify": {"2": {"content": "用户登录失败"}}}]}))
    assert client.state == "login_failed"


def test_quantaxis_towards_codes() -> None:
    assert TOWARDS[2] == ("BUY", "OPEN") and TOWARDS[-2] == ("SELL", "OPEN")
    assert TOWARDS[3] == ("BUY", "CLOSE") and TOWARDS[-3] == ("SELL", "CLOSE")
    assert TOWARDS[4] == ("BUY", "CLOSETODAY") and TOWARDS[-4] == ("SELL", "CLOSETODAY")


def test_order_ids_of_successive_clients_never_repeat() -> None:
    # A client freed and another made in its place (CPython reuses the address, so id() repeats) must not
    # start the same order ids again: the account still holds the first client's orders.
    prefixes = set()
    for _ in range(200):
        client = TradeClient("demo", "demo", "ws://127.0.0.1:9/none")
        prefixes.add(client._prefix)
        del client
    assert len(prefixes) == 200
