"""Display walls over HTTP: queue API, snapshot, SSE stream with resume, speech, staff page."""

from __future__ import annotations

import asyncio
import io
import shutil
import wave
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient

from civicline.app import create_app
from civicline.bigscreen.config import BigscreenSettings, parse_screen, parse_screens
from civicline.bigscreen.keys import WALLS as WALLS_KEY
from civicline.bigscreen.speech import SpeechClips, announcement_clips, announcement_text
from civicline.channels.registry import only
from civicline.core.bus import BusMessage
from civicline.core.clock import FixedClock
from civicline.core.errors import ConfigError
from civicline.core.queue import QUEUE_TOPIC
from civicline.services import Services
from civicline.settings import Settings
from tests.conftest import ClientFactory, make_settings
from tests.factories import DEPARTMENT, NOW, OTHER_DEPARTMENT, make_event

Client = TestClient[web.Request, web.Application]
GUARD = 5.0  # seconds; only a failure guard, never a wait for something to happen


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Clips are rendered once per run and shared (espeak-ng takes ~1 s for all of them)."""
    return tmp_path_factory.mktemp("speech")


@pytest.fixture
def settings(tmp_path: Path, speech_dir: Path) -> Settings:
    return make_settings(tmp_path / "data", bigscreen={
        "speech_dir": str(speech_dir),
        "screens": {"hall": {}, "market": {"departments": [DEPARTMENT],
                                           "panels": ["calls", "results"]}},
    })


@pytest.fixture
async def walls(aiohttp_client: ClientFactory, settings: Settings, services: Services) -> Client:
    return await aiohttp_client(create_app(settings, services=services,
                                           channels=only("api", "bigscreen")))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post_call(client: Client, token: str, ticket: str, window: str = "5") -> Any:
    response = await client.post("/api/v1/queue/calls", headers=auth(token),
                                 json={"ticket": ticket, "window": window})
    assert response.status == 201, await response.text()
    return await response.json()


async def read_event(response: ClientResponse) -> dict[str, str]:
    """The next SSE event (pings and comments skipped), as its fields."""
    fields: dict[str, str] = {}
    async with asyncio.timeout(GUARD):
        while True:
            line = (await response.content.readline()).decode().rstrip("\r\n")
            if not line:
                if fields:
                    return fields
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value


async def read_calls(response: ClientResponse, count: int) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    while len(calls) < count:
        event = await read_event(response)
        if event.get("event") == "call":
            call = orjson.loads(event["data"])
            assert event["id"] == str(call["id"])
            calls.append(call)
    return calls


async def ingest(services: Services, *events: dict[str, Any], department: str = DEPARTMENT
                 ) -> None:
    outcomes = await services.ingest.ingest(list(events), department)
    assert all(o.status.value == "accepted" for o in outcomes), outcomes


def concluded_case(case_no: str, name: str, **overrides: Any) -> list[dict[str, Any]]:
    first = make_event(case_no, applicant={"name": name, "kind": "person",
                                           "phone": "13800001111"}, **overrides)
    return [first, make_event(case_no, "concluded", first=False, at=NOW - timedelta(hours=1),
                              result="approved")]


# -- configuration ------------------------------------------------------------------------------

def test_the_default_configuration_has_a_hall_screen_covering_every_department() -> None:
    screens = parse_screens(BigscreenSettings())
    assert list(screens) == ["hall"]
    hall = screens["hall"]
    assert hall.departments == () and set(hall.panels) == {"calls", "results", "stats",
                                                           "notices"}


@pytest.mark.parametrize(("values", "names"), [
    ({"panels": ["calls", "weather"]}, "panels: unknown panel 'weather'"),
    ({"layout": "spiral"}, "layout: must be one of"),
    ({"recent_calls": 0}, "recent_calls: must be 1–30"),
    ({"rotation": 5}, "rotation: unknown key"),
    ({"departments": [1]}, "departments: expected a list of strings"),
])
def test_a_bad_screen_setting_is_refused_naming_the_key(values: dict[str, Any], names: str
                                                          ) -> None:
    with pytest.raises(ConfigError, match=names):
        parse_screen("lobby", values)


# -- queue API ----------------------------------------------------------------------------------

async def test_a_call_needs_a_department_token(walls: Client) -> None:
    response = await walls.post("/api/v1/queue/calls", json={"ticket": "A001", "window": "1"})
    assert response.status == 401


@pytest.mark.parametrize(("body", "field"), [
    ({"ticket": "A 023;", "window": "5"}, "ticket"),
    ({"ticket": "A023", "window": "<b>"}, "window"),
    ({"ticket": "A023"}, "window"),
    ({"ticket": "A023", "window": "5", "called_at": "10:00"}, "called_at"),
])
async def test_malformed_calls_are_refused_naming_the_field(walls: Client, token: str,
                                                             body: dict[str, Any], field: str
                                                             ) -> None:
    response = await walls.post("/api/v1/queue/calls", headers=auth(token), json=body)
    assert response.status == 400
    assert (await response.json())["field"] == field


async def test_a_repeated_ticket_is_reported_as_a_recall(walls: Client, token: str) -> None:
    first = await post_call(walls, token, "A023")
    again = await post_call(walls, token, "a023", window="6")
    assert (first["recall"], again["recall"]) == (False, True)
    assert again["id"] > first["id"] and again["service"] == "综合受理"


async def test_tickets_and_waiting_counts_are_served_to_kiosk_and_wall(walls: Client,
                                                                        token: str) -> None:
    issued = [await (await walls.post("/api/v1/queue/tickets", json={"category": c})).json()
              for c in ("A", "A", "B")]
    assert [t["number"] for t in issued] == ["A001", "A002", "B001"]
    assert issued[1]["waiting_ahead"] == 1 and issued[2]["service"] == "企业开办"
    await post_call(walls, token, "A001")
    queue = await (await walls.get("/api/v1/queue")).json()
    waiting = {row["category"]: row["waiting"] for row in queue["waiting"]}
    assert waiting["A"] == 1 and waiting["B"] == 1 and waiting["C"] == 0
    assert [c["ticket"] for c in queue["recent_calls"]] == ["A001"]
    bad = await walls.post("/api/v1/queue/tickets", json={"category": "Z"})
    assert bad.status == 400


# -- snapshot -----------------------------------------------------------------------------------

async def test_the_snapshot_masks_applicants_and_never_shows_confidential_cases(
        walls: Client, services: Services, token: str) -> None:
    await ingest(services, *concluded_case("440920261127000001", "张小明"),
                 *concluded_case("440920261127000002", "王秘密", confidential=True))
    await ingest(services, *concluded_case("440920261127000003", "李四",
                                           department=OTHER_DEPARTMENT),
                 department=OTHER_DEPARTMENT)
    await post_call(walls, token, "A007", window="3")
    state = await (await walls.get("/bigscreen/hall/state")).json()
    text = orjson.dumps(state).decode()
    assert [r["masked_applicant"] for r in state["results"]] == ["张*明", "李*"] or \
        sorted(r["masked_applicant"] for r in state["results"]) == ["张*明", "李*"]
    for secret in ("张小明", "王秘密", "王*密", "440920261127000001", "13800001111"):
        assert secret not in text
    assert state["calls"][0] == {**state["calls"][0], "ticket": "A007", "window": "3"}
    assert set(state["calls"][0]) == {"id", "ticket", "window", "service", "called_at", "recall"}
    assert state["last_call_id"] == state["calls"][0]["id"]
    assert state["version"] and state["screen"]["id"] == "hall"
    market = await (await walls.get("/bigscreen/market/state")).json()
    assert [r["department"] for r in market["results"]] == [DEPARTMENT]


async def test_the_snapshot_counts_today_by_department(walls: Client, services: Services
                                                       ) -> None:
    await ingest(services, *concluded_case("440920261127000011", "张三"),
                 make_event("440920261127000012", at=NOW - timedelta(hours=2)),
                 make_event("440920261127000013", at=NOW - timedelta(days=30)))
    stats = (await (await walls.get("/bigscreen/hall/state")).json())["stats"]
    row = next(d for d in stats["departments"] if d["department"] == DEPARTMENT)
    assert (row["accepted_today"], row["concluded_today"], row["on_time_rate"],
            row["overdue"]) == (1, 1, 100.0, 1)
    assert stats["total"]["overdue"] == 1 and stats["day"] == "2026-11-27"


async def test_an_unknown_screen_is_not_found(walls: Client) -> None:
    for path in ("/bigscreen/lobby", "/bigscreen/lobby/state", "/bigscreen/lobby/stream"):
        assert (await walls.get(path)).status == 404


async def test_the_wall_page_names_its_screen_and_version(walls: Client) -> None:
    page = await (await walls.get("/bigscreen/hall")).text()
    assert 'data-screen="hall"' in page and "/bigscreen/_static/bigscreen.js" in page
    for asset in ("bigscreen.js", "bigscreen.css", "chime.wav"):
        assert (await walls.get(f"/bigscreen/_static/{asset}")).status == 200


# -- the stream ---------------------------------------------------------------------------------

async def test_a_posted_call_arrives_on_an_open_stream_with_its_id(walls: Client, token: str
                                                                   ) -> None:
    stream = await walls.get("/bigscreen/hall/stream")
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    hello = await read_event(stream)
    assert hello["event"] == "hello" and "id" not in hello
    posted = await post_call(walls, token, "B012", window="12")
    (call,) = await read_calls(stream, 1)
    assert (call["id"], call["ticket"], call["window"], call["stale"]) == (
        posted["id"], "B012", "12", False)
    stream.close()


@pytest.mark.parametrize("how", ["header", "query"])
async def test_a_reconnect_resumes_after_the_last_id_without_gaps_or_repeats(
        walls: Client, token: str, how: str) -> None:
    ids = [(await post_call(walls, token, f"A00{n}"))["id"] for n in range(1, 5)]
    last = str(ids[1])
    stream = await (walls.get("/bigscreen/hall/stream", headers={"Last-Event-ID": last})
                    if how == "header" else walls.get(f"/bigscreen/hall/stream?last_id={last}"))
    caught_up = await read_calls(stream, 2)
    live = await post_call(walls, token, "A005")
    (after,) = await read_calls(stream, 1)
    assert [c["id"] for c in caught_up] + [after["id"]] == [*ids[2:], live["id"]]
    stream.close()


async def test_calls_caught_up_after_a_long_outage_are_shown_but_not_spoken(
        walls: Client, token: str, clock: FixedClock) -> None:
    old = await post_call(walls, token, "A001")
    clock.advance(minutes=10)
    stream = await walls.get(f"/bigscreen/hall/stream?last_id={old['id'] - 1}")
    (call,) = await read_calls(stream, 1)
    assert call["ticket"] == "A001" and call["stale"] is True
    stream.close()


async def test_case_changes_send_a_hint_only_to_screens_covering_the_department(
        walls: Client, services: Services, token: str) -> None:
    market = await walls.get("/bigscreen/market/stream")
    await read_event(market)
    await ingest(services, make_event("440920261127000021", department=OTHER_DEPARTMENT),
                 department=OTHER_DEPARTMENT)
    await ingest(services, make_event("440920261127000022"))
    hint = await read_event(market)
    assert hint["event"] == "changed" and "id" not in hint
    # The other department's change sent nothing: the next event is the call below.
    await post_call(walls, token, "C001")
    assert (await read_event(market))["event"] == "call"
    market.close()


async def test_a_screen_that_falls_behind_is_dropped_and_others_keep_flowing(
        tmp_path: Path, aiohttp_client: ClientFactory, services: Services, token: str) -> None:
    settings = make_settings(tmp_path / "small", bigscreen={"client_buffer": 3})
    client = await aiohttp_client(create_app(settings, services=services,
                                             channels=only("api", "bigscreen")))
    fanout = client.app[WALLS_KEY].fanout
    stalled = fanout.join(parse_screen("hall", {}))  # joins but never reads
    reader = await client.get("/bigscreen/hall/stream")
    await read_event(reader)
    for n in range(1, 6):
        await post_call(client, token, f"D00{n}")
    assert [c["ticket"] for c in await read_calls(reader, 5)] == [f"D00{n}" for n in range(1, 6)]
    assert stalled.dropped and stalled not in fanout.clients and fanout.dropped_total == 1
    reader.close()


async def test_the_fanout_ends_every_stream_when_its_own_bus_buffer_overflows(
        services: Services) -> None:
    from civicline.bigscreen.stream import Fanout

    fanout = Fanout(buffer=20_000)  # the screen's own buffer is not what fills up here
    client = fanout.join(parse_screen("hall", {}))
    task = asyncio.create_task(fanout.run(services.bus, services.clock))
    await asyncio.sleep(0)  # let it subscribe  (not a wait for a result: one loop turn)
    subscription = services.bus._subscriptions[-1]  # type: ignore[attr-defined]
    for n in range(subscription.queue.maxsize + 1):  # overflow before run() reads any
        subscription.offer(BusMessage(QUEUE_TOPIC, "1", {"id": n}, n))
    delivered = 0
    async with asyncio.timeout(GUARD):
        while await client.buffer.get() is not None:
            delivered += 1
    task.cancel()
    assert client.dropped and delivered <= subscription.queue.maxsize


# -- speech -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ticket", "window", "spoken"), [
    ("A023", "5", "请A零二三号到五号窗口办理"),
    ("B100", "12", "请B一零零号到十二号窗口办理"),
    ("AB7", "20", "请AB七号到二十号窗口办理"),
    ("C001", "10", "请C零零一号到十号窗口办理"),
    ("D9", "3A", "请D九号到三A号窗口办理"),
])
def test_an_announcement_spells_the_ticket_and_reads_the_window(ticket: str, window: str,
                                                                spoken: str) -> None:
    assert announcement_text(ticket, window) == spoken
    assert announcement_clips(ticket, window)[0] == "qing"


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="scripts/test installs espeak-ng")
async def test_announcements_are_assembled_from_cached_espeak_clips(walls: Client,
                                                                    speech_dir: Path) -> None:
    speech = walls.app[WALLS_KEY].speech
    async with asyncio.timeout(30):  # first render of every clip in this run
        assert await speech.ensure()
    response = await walls.get("/bigscreen/_speech/announce.wav?ticket=A023&window=5")
    assert response.status == 200 and response.content_type == "audio/wav"
    with wave.open(io.BytesIO(await response.read())) as announcement:
        seconds = announcement.getnframes() / announcement.getframerate()
    clip_seconds = 0.0
    for name in announcement_clips("A023", "5"):
        with wave.open(str(speech.path_of(name))) as clip:
            clip_seconds += clip.getnframes() / clip.getframerate()
    assert clip_seconds <= seconds < clip_seconds + 1
    assert len(await asyncio.to_thread(lambda: list(speech_dir.glob("*.wav")))) >= 40
    assert (await walls.get("/bigscreen/_speech/letter-A.wav")).status == 200
    bad = await walls.get("/bigscreen/_speech/announce.wav?ticket=A0;1&window=5")
    assert bad.status == 400


async def test_without_espeak_the_page_is_told_to_use_the_browser_voice(tmp_path: Path) -> None:
    speech = SpeechClips(tmp_path / "speech", espeak="no-such-espeak")
    assert await speech.ensure() is False
    assert speech.announcement("A023", "5") is None


# -- staff page ---------------------------------------------------------------------------------

async def test_the_staff_page_asks_for_a_token_and_refuses_a_wrong_one(walls: Client) -> None:
    page = await walls.get("/staff/window/5")
    assert page.status == 200 and 'name="token"' in await page.text()
    wrong = await walls.post("/staff/login", data={"window": "5", "token": "nope"})
    assert wrong.status == 401 and "令牌无效" in await wrong.text()
    refused = await walls.post("/staff/window/5/next", allow_redirects=False)
    assert refused.status == 401


async def test_staff_sign_in_keeps_the_token_in_an_httponly_cookie_and_calls_tickets(
        walls: Client, services: Services, token: str) -> None:
    signed = await walls.post("/staff/login", data={"window": "5", "token": token},
                              allow_redirects=False)
    assert signed.status == 303 and signed.headers["Location"] == "/staff/window/5"
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/staff" in cookie
    for _ in range(2):
        await services.queue.issue_ticket("A")
    await walls.post("/staff/window/5/next")
    await walls.post("/staff/window/5/recall")
    await walls.post("/staff/window/5/call", data={"ticket": "b009"})
    page = await (await walls.get("/staff/window/5")).text()
    assert "B009" in page and "下一位" in page
    calls = [(c.ticket, c.recall) for c in reversed(await services.queue.recent_calls(5))]
    assert calls == [("A001", False), ("A001", True), ("B009", False)]
    assert (await services.queue.waiting_counts())["A"] == 1
