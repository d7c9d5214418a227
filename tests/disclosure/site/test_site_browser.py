"""The public site in a real headless browser: search a company, open its page, see its penalty."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import async_playwright

from services.disclosure.app import create_app
from services.disclosure.settings import DisclosureSettings
from tests.browser import chromium_executable
from tests.disclosure import support as s
from tests.support import wait_for

pytestmark = pytest.mark.anyio
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_search_open_subject_and_see_penalty(databases, authority, nats_server):
    settings = DisclosureSettings(database_url=await databases.fresh("disclosure"), nats_url=nats_server.url,
                                  jwks_file=authority.jwks_file, migrate_on_start=False, log_json=False)
    code, name = s.uscc(), "上海浏览器测试食品有限公司"
    penalty = s.decision(code, name, fine="8000")
    async with s.Publisher(nats_server.url) as bus, s.served(create_app(settings)) as url:
        await bus.send(penalty)
        await bus.send(s.result(s.uscc(), "上海另一家检查对象有限公司"))

        async def published():
            async with httpx.AsyncClient(base_url=url) as c:
                return len((await c.get("/public/records")).json()["items"]) == 2

        await wait_for(published, timeout=15, what="publication")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_executable(), args=ARGS, headless=True)
            try:
                page = await browser.new_page()
                await page.goto(f"{url}/")
                assert await page.get_attribute("html", "lang") == "zh-CN"
                await page.fill("input[name=q]", "浏览器测试")
                await page.click("button[type=submit]")
                await page.wait_for_url("**/site/search?**")
                links = page.get_by_role("link", name=name, exact=False)
                assert await links.count() == 1
                await links.first.click()
                await page.wait_for_url(f"**/site/subjects/{code}")
                assert await page.locator("h1").inner_text() == f"{name} Market participant"
                row = page.locator("tr.penalty")
                assert await row.count() == 1
                text = await row.inner_text()
                assert penalty.decision_number in text and "罚款 8000 元" in text
                assert "销售不符合安全标准的食品" in text
                await page.goto(f"{url}/site/search?q=没有这家公司")
                assert "暂无记录" in await page.content()
            finally:
                await browser.close()
