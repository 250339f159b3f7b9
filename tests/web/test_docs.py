"""/docs and /redoc work offline: every script, stylesheet and icon comes from the application."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from replenish.api.app import create_app
from replenish.api.settings import ServerSettings
from replenish.store import upgrade

KEY = "test-token-key-0123456789abcdef0123456789abcdef"
VENDOR = Path(__file__).parents[2] / "src/replenish/web/static/vendor"


class _Assets(HTMLParser):
    """The addresses a page's <script src> and <link href> load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('docs') / 'store.db'}"
    upgrade(url)
    app = create_app(ServerSettings(database_url=url, environment="test", token_key=KEY))
    with TestClient(app) as opened:
        yield opened


@pytest.mark.parametrize(("page", "needs"), [("/docs", {".js", ".css"}), ("/redoc", {".js"})])
def test_docs_load_every_asset_from_the_application(client: TestClient, page: str,
                                                    needs: set[str]) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert not re.search(r"https?://", response.text), "the page names an outside address"
    parser = _Assets()
    parser.feed(response.text)
    assert {Path(u).suffix for u in parser.urls} >= needs
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.content
    assert "/openapi.json" in response.text
    assert client.get("/openapi.json").status_code == 200


def test_vendored_files_keep_their_licence_and_version() -> None:
    for folder in ("swagger-ui", "redoc"):
        assert (VENDOR / folder / "LICENSE").is_file()
        assert (VENDOR / folder / "VERSION").read_text().strip()


def test_docs_pages_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/docs", "/redoc"} & set(paths)
    assert not any(p.startswith("/static") for p in paths)
