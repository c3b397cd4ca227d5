"""The dashboard at /_mock/ui: its data endpoints, its access rule, and the page in Chromium.

The browser tests drive the system Chromium (Debian's ``chromium``) with Playwright for
Python against an emulator served on a free loopback port; they skip, saying why, when
either is missing. Screenshots go to ``$RUNWAY_MOCK_ARTIFACTS`` (default: a temporary
directory) at 1280 and 390 px wide.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

import pytest
from runway_mock import create_app
from runway_mock.config import tenant_of
from runway_mock.domain import journal
from runway_mock.http.views.dashboard import ASSETS
from runway_mock.testing import runtime_of, serve

from tests.conftest import auth

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("RUNWAY_MOCK_CHROMIUM") or shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ADMIN = "admin-token-for-the-dashboard"
KEY = "key_dashboard_tenant"
WAIT_MS = 15_000


def _create_image(client, key: str = KEY, prompt: str = "a lighthouse at dusk"):
    return client.post("/v1/text_to_image", headers=auth(key), json={
        "model": "gen4_image", "promptText": prompt, "ratio": "1920:1080"})


# ---------------------------------------------------------------------------
# The index at / and the page's files


def test_index_links_the_dashboard_as_json_and_html(client):
    """GET / answers JSON for programs and HTML for browsers, both linking /_mock/ui."""
    data = client.get("/").get_json()
    assert data["links"]["dashboard"].endswith("/_mock/ui")
    page = client.get("/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "text/html"
    assert b'href="/_mock/ui"' in page.data


def test_api_404s_are_unchanged_and_the_index_is_not_journaled(client):
    """Unknown API paths keep Runway's 404 body; visiting / is not an API call."""
    resp = client.get("/v1/no-such-thing", headers=auth())
    assert resp.status_code == 404 and set(resp.get_json()) == {"error", "docUrl"}
    client.get("/")
    assert client.get("/_mock/journal").get_json()["entries"][-1]["path"] == "/v1/no-such-thing"


def test_page_and_assets_are_served_with_a_self_only_policy(client):
    """Every asset the page names is served by the emulator; scripts only from itself."""
    page = client.get("/_mock/ui")
    assert page.status_code == 200 and page.mimetype == "text/html"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    html = page.data.decode()
    named = set(re.findall(r'(?:src|href)="(/_mock/ui/[^"]+)"', html))
    assert {"/_mock/ui/app.js", "/_mock/ui/style.css"} <= named
    for path in named:
        assert client.get(path).status_code == 200, path
    assert client.get("/_mock/ui/nothing.js").status_code == 404


def test_assets_need_no_network_and_no_build():
    """Offline: no asset loads anything from another host; modules import only siblings."""
    for path in ASSETS.iterdir():
        text = path.read_text()
        assert not re.search(r"""(src|href|import|url)\s*[=(]?\s*["']?(https?:)?//""", text), path
        for module in re.findall(r'from\s+"([^"]+)"', text):
            assert module.startswith("./") and (ASSETS / module[2:]).is_file(), module


def test_wheel_ships_the_assets():
    """pyproject's package data covers every file of the page."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["runway_mock.http"]
    base = ROOT / "mockserver" / "http"
    for path in ASSETS.iterdir():
        rel = path.relative_to(base).as_posix()
        assert any(fnmatch(rel, p) for p in patterns), rel


# ---------------------------------------------------------------------------
# The access rule


def test_exposed_without_token_disables_the_page():
    """Bound beyond loopback with no admin token, the page is 403 like the control API."""
    client = create_app({"exposed": True}).test_client()
    assert client.get("/_mock/ui").status_code == 403
    assert client.get("/_mock/tasks").status_code == 403


def test_exposed_with_token_a_tenant_key_is_refused():
    """The page's data needs the admin token; a tenant's own API key gets 401."""
    client = create_app({"exposed": True, "admin_token": ADMIN}).test_client()
    assert client.get("/_mock/ui").status_code == 200  # the shell holds no data
    for path in ("/_mock/tasks", "/_mock/tenants", f"/_mock/credits/history?apiKey={KEY}"):
        assert client.get(path, headers={"Authorization": f"Bearer {KEY}"}).status_code == 401
        ok = client.get(path, headers={"Authorization": f"Bearer {ADMIN}"})
        assert ok.status_code == 200, path


# ---------------------------------------------------------------------------
# The read endpoints


def test_task_list_and_detail(client, clock):
    """Tasks per tenant with status, progress, costs and times; the detail has the body."""
    task_id = _create_image(client).get_json()["id"]
    _create_image(client, key="key_other")
    rows = client.get(f"/_mock/tasks?apiKey={KEY}").get_json()["tasks"]
    assert [r["id"] for r in rows] == [task_id]
    row = rows[0]
    assert row["status"] in ("PENDING", "RUNNING") and row["cost"] is None
    assert row["endpoint"] == "text_to_image" and row["model"] == "gen4_image"
    assert row["estimated"] == 8 and row["finishedAt"] is None
    assert len(client.get("/_mock/tasks").get_json()["tasks"]) == 2
    clock.advance(600)
    detail = client.get(f"/_mock/tasks/{task_id}").get_json()
    assert detail["status"] == "SUCCEEDED" and detail["cost"] == 8
    assert detail["finishedAt"] >= detail["createdAt"]
    assert detail["request"]["promptText"] == "a lighthouse at dusk"
    (out,) = detail["outputs"]
    assert out["kind"] == "image" and "/_artifacts/" in out["url"]
    assert client.get(out["url"].replace("http://localhost", "")).status_code == 200
    assert client.get("/_mock/tasks/nope").status_code == 404


def test_reading_tasks_is_not_a_poll(client):
    """The dashboard's reads do not advance a task that ends after N client polls."""
    client.post("/_mock/policies", json={"key": "*", "transition": {"kind": "after_polls",
                                                                    "polls": 2}})
    task_id = _create_image(client).get_json()["id"]
    for _ in range(3):
        client.get("/_mock/tasks")
        client.get(f"/_mock/tasks/{task_id}")
    assert client.get(f"/v1/tasks/{task_id}", headers=auth(KEY)).get_json()["status"] == "RUNNING"


def test_balance_history_follows_a_charge_and_a_refund(client, clock):
    """Each ledger movement is a point; the last is the balance now."""
    client.post("/_mock/policies", json={"key": "*", "outcome": {"status": "FAILED"}})
    _create_image(client)
    hist = client.get(f"/_mock/credits/history?apiKey={KEY}").get_json()
    assert [p["balance"] for p in hist["points"]] == [10_000, 9_992]
    clock.advance(600)
    hist = client.get(f"/_mock/credits/history?apiKey={KEY}").get_json()
    assert [(p["kind"], p["balance"]) for p in hist["points"]] == [
        ("start", 10_000), ("charge", 9_992), ("refund", 10_000)]
    assert hist["points"][-1]["at"] > hist["points"][1]["at"]
    assert client.get("/_mock/credits/history").status_code == 400


def test_tenants_lists_balances_most_recently_active_first(client, clock):
    """Every tenant seen, by hash, with balance and task counts; the latest to create first."""
    _create_image(client)
    clock.advance(5)
    _create_image(client, key="key_later")
    rows = client.get("/_mock/tenants").get_json()["tenants"]
    assert [r["tenant"] for r in rows] == [tenant_of("key_later"), tenant_of(KEY)]
    assert rows[1] == {"tenant": tenant_of(KEY), "balance": 9_992, "tier": 1, "tasks": 1,
                       "active": 0, "lastTaskAt": clock.now() - 5}  # done by now


def test_journal_keeps_scrubbed_bodies(client, clock):
    """Request and response bodies are journaled without data URIs, signed links or keys."""
    image = "data:image/png;base64," + "A" * 4000
    client.post("/v1/image_to_video", headers=auth(KEY), json={
        "model": "gen4_turbo", "promptImage": image, "ratio": "1280:720", "duration": 5})
    clock.advance(600)
    task_id = client.get(f"/_mock/tasks?apiKey={KEY}").get_json()["tasks"][0]["id"]
    client.get(f"/v1/tasks/{task_id}", headers=auth(KEY))
    create, read = client.get("/_mock/journal").get_json()["entries"]
    assert create["request"]["promptImage"] == "data:image/png;base64,…(4000 chars)"
    assert create["response"]["id"] == task_id
    (link,) = read["response"]["output"]
    assert link.endswith("?…") and "_jwt" not in json.dumps(read)
    assert KEY not in json.dumps([create, read])
    # A download is journaled as its media type and size, not its bytes.
    signed = client.get(f"/v1/tasks/{task_id}", headers=auth(KEY)).get_json()["output"][0]
    video = client.get(signed.replace("http://localhost", ""))
    download = client.get("/_mock/journal").get_json()["entries"][-1]
    assert download["response"] == {"contentType": "video/mp4", "bytes": len(video.data)}


# ---------------------------------------------------------------------------
# The page in a real browser


@pytest.fixture(scope="module")
def chromium():
    """A headless system Chromium driven by Playwright (skips when either is missing)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium): browser tests "
                    "skipped")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]'): browser tests "
                    "skipped")
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots are kept: $RUNWAY_MOCK_ARTIFACTS or a temporary directory."""
    where = os.environ.get("RUNWAY_MOCK_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("dashboard-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Emulator:
    """A served emulator, its page in Chromium, and the official SDK pointed at it."""

    def __init__(self, app, url: str, page, shots: Path) -> None:
        import runwayml

        self.app, self.url, self.page, self.shots = app, url, page, shots
        self.sdk = runwayml.RunwayML(api_key=KEY, base_url=url, max_retries=0)
        self.foreign: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:"))
                else self.foreign.append(r.url))
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        import requests

        resp = requests.request(method, f"{self.url}/_mock{path}", json=body, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def open(self, tab: str = "tasks") -> None:
        self.page.goto(f"{self.url}/_mock/ui#{tab}")
        self.page.wait_for_selector("#clock-now:not(:empty)")
        self.page.evaluate("window.__sameDocument = true")

    def still_same_document(self) -> bool:
        """True when the page has not been reloaded since ``open``."""
        return bool(self.page.evaluate("window.__sameDocument === true"))

    def shoot(self, name: str) -> None:
        """Screenshots at 1280 and 390 px wide, restoring the wide view."""
        for width, height in ((1280, 900), (390, 844)):
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.wait_for_timeout(300)
            if width == 390:
                overflow = self.page.evaluate(
                    "document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{name}: {overflow}px wider than a 390px screen"
            self.page.screenshot(path=str(self.shots / f"{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def emulator(chromium, shots) -> Iterator[Emulator]:
    """A fresh served emulator (tasks take a few seconds) and a page on it."""
    app = create_app({"seed": 11, "time_scale": 0.05})
    with serve(app) as url:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        em = Emulator(app, url, page, shots)
        try:
            yield em
        finally:
            context.close()
        assert not em.foreign, f"the page reached beyond the emulator: {em.foreign}"
        assert not em.errors, f"errors in the page: {em.errors}"


def test_sdk_tasks_appear_and_succeed_without_reload(emulator):
    """Tasks made with the official SDK show up and reach SUCCEEDED while the page stays."""
    from playwright.sync_api import expect

    em = emulator
    em.open("tasks")
    expect(em.page.locator("#tasks-empty")).to_be_visible()
    video = em.sdk.image_to_video.create(model="gen4_turbo", ratio="1280:720", duration=5,
                                         prompt_image="https://example.com/boat.png",
                                         prompt_text="a boat at sea")
    image = em.sdk.text_to_image.create(model="gen4_image", ratio="1920:1080",
                                        prompt_text="a lighthouse at dusk")
    speech = em.sdk.text_to_speech.create(model="eleven_multilingual_v2",
                                          prompt_text="Hello from the emulator.",
                                          voice={"type": "runway-preset", "presetId": "Maya"})
    rows = em.page.locator("#tasks-table tbody tr")
    expect(rows).to_have_count(3)
    for task in (video, image, speech):
        expect(em.page.locator(f'tr[data-id="{task.id}"]')).to_have_attribute(
            "data-status", "SUCCEEDED")
    assert em.still_same_document()
    row = em.page.locator(f'tr[data-id="{video.id}"]')
    expect(row.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", "100")
    expect(row).to_contain_text("gen4_turbo")

    # The detail shows the request body and plays the outputs from the emulator's links.
    em.page.locator(f'tr[data-id="{image.id}"] button.link').click()
    detail = em.page.locator("#task-detail")
    expect(detail).to_contain_text('"promptText": "a lighthouse at dusk"')
    img = detail.locator(".output img")
    expect(img).to_have_count(1)
    em.page.wait_for_function(
        "() => { const i = document.querySelector('#task-detail .output img');"
        " return i && i.complete && i.naturalWidth > 0; }")
    em.page.locator(f'tr[data-id="{speech.id}"] button.link').click()
    expect(detail.locator(".output audio")).to_have_attribute("src", re.compile("/_artifacts/"))
    em.page.locator(f'tr[data-id="{video.id}"] button.link').click()
    expect(detail.locator(".output video")).to_have_attribute("src", re.compile("/_artifacts/"))
    em.shoot("tasks")


def test_held_task_released_and_another_cancelled_from_the_page(emulator):
    """Release lets a held task finish; Cancel makes a running one CANCELLED."""
    from playwright.sync_api import expect

    em = emulator
    em.control("POST", "/policies", {"key": "*", "transition": {"kind": "hold",
                                                                "status": "RUNNING"}})
    held = em.sdk.text_to_image.create(model="gen4_image", ratio="1920:1080",
                                       prompt_text="held")
    doomed = em.sdk.text_to_image.create(model="gen4_image", ratio="1920:1080",
                                         prompt_text="doomed")
    em.open("tasks")
    em.page.get_by_role("button", name=f"Release task {held.id[:8]}").click()
    expect(em.page.locator(f'tr[data-id="{held.id}"]')).to_have_attribute(
        "data-status", "SUCCEEDED")
    em.page.get_by_role("button", name=f"Cancel task {doomed.id[:8]}").click()
    expect(em.page.locator(f'tr[data-id="{doomed.id}"]')).to_have_attribute(
        "data-status", "CANCELLED")
    assert em.sdk.tasks.retrieve(doomed.id).status == "CANCELLED"


def test_fault_added_on_the_page_changes_the_next_answer_and_is_journaled(emulator):
    """A rule made with the form fails the next SDK call, and the journal shows it."""
    import runwayml
    from playwright.sync_api import expect

    em = emulator
    em.open("faults")
    form = em.page.locator("#fault-form")
    form.get_by_label("Rule id").fill("page-503")
    form.get_by_label("Method").select_option("POST")
    form.get_by_label("Path").fill("/v1/text_to_image")
    form.get_by_label("Status").fill("503")
    form.get_by_label("Times").fill("1")
    form.get_by_role("button", name="Add rule").click()
    rule = em.page.locator('tr[data-rule="page-503"]')
    expect(rule).to_be_visible()
    with pytest.raises(runwayml.InternalServerError):
        em.sdk.text_to_image.create(model="gen4_image", ratio="1920:1080", prompt_text="x")
    expect(rule.locator('[data-label="Fired"]')).to_have_text("1")
    expect(rule.locator('[data-label="Left"]')).to_have_text("0")
    em.sdk.text_to_image.create(model="gen4_image", ratio="1920:1080", prompt_text="y")
    em.shoot("faults")

    em.page.get_by_role("tab", name="Journal").click()
    entries = em.page.locator("#journal-table tbody tr")
    expect(entries).to_have_count(2)
    faulted = em.page.locator("#journal-table tbody tr.faulted")
    expect(faulted).to_have_count(1)
    expect(faulted).to_contain_text("503")
    expect(faulted).to_contain_text("page-503")
    em.page.locator("#journal-filters").get_by_label("Fault").select_option("true")
    expect(entries).to_have_count(1)
    em.page.locator("#journal-filters").get_by_label("Fault").select_option("")
    em.page.locator("#journal-filters").get_by_label("Status").fill("200")
    expect(entries).to_have_count(1)
    entries.first.locator("button.link").click()
    expect(em.page.locator("#journal-detail")).to_contain_text('"promptText": "y"')
    em.shoot("journal")

    # Entries record/replay marks with their source filter by it (the rest are emulated).
    rt = runtime_of(em.app)
    journal.record(rt, {"at": rt.clock.now(), "method": "GET", "path": "/v1/organization",
                        "status": 200, "source": "replayed", "recording": "org.yaml"})
    em.page.locator("#journal-filters").get_by_label("Status").fill("")
    em.page.locator("#journal-filters").get_by_label("Source").select_option("replayed")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("/v1/organization")
    em.page.locator("#journal-filters").get_by_label("Source").select_option("emulated")
    expect(entries).to_have_count(2)

    # Removing the rule from the page empties the table.
    em.page.get_by_role("tab", name="Faults & policies").click()
    em.page.get_by_role("button", name="Remove rule page-503").click()
    expect(em.page.locator("#faults-empty")).to_be_visible()


def test_balance_and_chart_follow_a_create_and_a_refund(emulator):
    """The balance drops by the estimate at creation and comes back when the task fails."""
    from playwright.sync_api import expect

    em = emulator
    em.control("POST", "/clock", {"freeze": True})
    em.control("POST", "/policies", {"key": "*", "outcome": {"status": "FAILED",
                                                             "failureCode": "INTERNAL"}})
    em.control("POST", "/credits", {"apiKey": KEY, "set": 10_000})
    em.open("credits")
    balance = em.page.locator("#balance-value")
    chart = em.page.locator("#balance-chart svg")
    expect(balance).to_have_text("10,000")
    task = em.sdk.text_to_image.create(model="gen4_image", ratio="1920:1080",
                                       prompt_text="will fail")
    expect(balance).to_have_text("9,992")
    expect(chart).to_have_attribute("data-last", "9992")
    before = int(chart.get_attribute("data-points"))
    # Move emulator time on from the page: the task fails and is refunded.
    em.page.get_by_role("tab", name="Faults & policies").click()
    em.page.get_by_label("Advance by (s)").fill("120")
    em.page.get_by_role("button", name="Advance").click()
    em.page.get_by_role("tab", name="Credits").click()
    expect(balance).to_have_text("10,000")
    expect(chart).to_have_attribute("data-last", "10000")
    assert int(chart.get_attribute("data-points")) == before + 1
    expect(em.page.locator("#ledger-table tbody tr").first).to_contain_text("refund")
    assert em.sdk.tasks.retrieve(task.id).status == "FAILED"
    assert em.still_same_document()
    em.shoot("credits")


def test_keyboard_moves_between_sections(emulator):
    """Arrow keys move along the tabs; each panel is labelled by its tab."""
    from playwright.sync_api import expect

    em = emulator
    em.open("tasks")
    em.page.get_by_role("tab", name="Tasks").focus()
    em.page.keyboard.press("ArrowRight")
    expect(em.page.get_by_role("tab", name="Credits")).to_be_focused()
    expect(em.page.get_by_role("tabpanel", name="Credits")).to_be_visible()
    em.page.keyboard.press("End")
    expect(em.page.get_by_role("tabpanel", name="Faults & policies")).to_be_visible()
    expect(em.page.get_by_role("tabpanel", name="Tasks")).to_be_hidden()


def test_page_refuses_a_tenant_key_when_exposed(chromium, shots):
    """Exposed with an admin token: a tenant key is refused, the admin token opens it."""
    from playwright.sync_api import expect

    app = create_app({"seed": 3, "exposed": True, "admin_token": ADMIN})
    with serve(app) as url:
        import requests

        requests.post(f"{url}/v1/text_to_image", headers=auth(KEY), timeout=10, json={
            "model": "gen4_image", "promptText": "secret work", "ratio": "1920:1080"})
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        try:
            page.goto(f"{url}/_mock/ui")
            login = page.locator("#login")
            expect(login).to_be_visible()
            page.get_by_label("Admin token", exact=True).fill(KEY)
            page.get_by_role("button", name="Open").click()
            expect(page.locator("#login-error")).to_contain_text("Refused")
            expect(page.locator("main")).to_be_hidden()
            expect(page.get_by_role("tab", name="Tasks")).to_be_hidden()
            assert "secret work" not in page.content()
            page.screenshot(path=str(shots / "refused-1280.png"))
            page.get_by_label("Admin token", exact=True).fill(ADMIN)
            page.get_by_role("button", name="Open").click()
            expect(login).to_be_hidden()
            expect(page.locator("#tasks-table tbody tr")).to_have_count(1)
        finally:
            context.close()
