"""What a page says to a role it refuses, in English and Danish: whole sentences whatever the
role's name begins with ('an industry', not 'a industry')."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.support import Server, open_server
from web.test_sessions import sign_in

#: (role, page, lang) -> the sentence the page says
SAID = {
    ("industry", "/pages/readiness", "en"): "The industry role may not read stocks.",
    ("industry", "/pages/readiness", "da"): "Rollen industri må ikke læse lagre.",
    ("admin", "/pages/what-if", "en"): "The admin role may not plan.",
    ("admin", "/pages/what-if", "da"): "Rollen administrator må ikke planlægge.",
    ("admin", "/pages/explorer", "en"):
        "The admin role may not read stocks or the demand signal.",
    ("admin", "/pages/explorer", "da"):
        "Rollen administrator må ikke læse lagre eller efterspørgselssignalet.",
    ("recipient", "/pages/explorer?nation=AAA&item=S155", "en"):
        "The recipient role may not read stocks or the demand signal.",
    ("industry", "/pages", "en"): "The industry role has no pages yet;",
    ("admin", "/pages", "da"): "Rollen administrator har endnu ingen sider;",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('refusals') / 's.db'}") as opened:
        yield opened


def _main(html: str) -> str:
    found = re.search(r"<main[^>]*>(.*?)</main>", html, re.S)
    assert found, html[:200]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).replace("&#39;", "'")


@pytest.mark.parametrize(("role", "page", "lang"), list(SAID))
def test_a_refusal_names_the_role_in_a_whole_sentence(server: Server, role: str, page: str,
                                                      lang: str) -> None:
    client = sign_in(server, role)
    answer = client.get(page, params={"lang": lang})
    assert answer.status_code == (200 if page == "/pages" else 403)
    text = _main(answer.text)
    assert SAID[(role, page, lang)] in text, text
    assert not re.search(r"\b[Aa] (industry|admin|industri|administrator)\b", text), text
