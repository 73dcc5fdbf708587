"""The Sessions page and the session page on real history (the shared transcripts, imported,
no demo) and on the demo: every session titled, local times only, paging through all of them,
sorting, filters by project, days, model and text; session references as in every command."""

import html
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

from collector.serve import dashboard

import dashboard_shapes
from conftest import free_port

RAW_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _serve(path):
    port = free_port()
    proc = dashboard.start(path, "127.0.0.1", port)
    url = dashboard.wait_until_ready(proc, "127.0.0.1", port).rstrip("/")
    return proc, url


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    path = dashboard_shapes.build("sparse", tmp_path_factory.mktemp("real"))
    proc, url = _serve(path)
    try:
        yield {"url": url, "db": path}
    finally:
        dashboard.stop(proc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = dashboard_shapes.build("demo", tmp_path_factory.mktemp("demo"))
    proc, url = _serve(path)
    try:
        yield {"url": url, "db": path}
    finally:
        dashboard.stop(proc)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def visible(page):
    """The text a reader sees: no scripts, no tags, no attributes."""
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def rows(page):
    return re.findall(r'<tr><td><a href="[^"]*/-/cctracker/session/(\d+)"[^>]*><code>([^<]+)</code></a></td>\s*'
                      r'<td class="cct-title[^"]*">([^<]*)</td>', page)


def test_every_real_session_has_a_title_and_local_times(real):
    status, page = get(real["url"] + "/-/cctracker/sessions")
    assert status == 200
    found = rows(page)
    conn = sqlite3.connect(real["db"])
    assert len(found) == conn.execute("select count(*) from sessions").fetchone()[0] == 8
    assert all(title.strip() for _, _, title in found), found
    assert not RAW_TIME.search(visible(page))
    for session_id, ref, title in found:
        status, one = get(real["url"] + "/-/cctracker/session/" + session_id)
        assert status == 200
        heading = re.search(r'<h1 class="cct-title">([^<]*)</h1>', one).group(1)
        assert heading.strip() == title.strip()
        assert not RAW_TIME.search(visible(one)), (session_id, RAW_TIME.search(visible(one)).group(0))
        # The printed prefix is a reference every command takes; so is #id (%23 in a URL).
        assert get(real["url"] + "/-/cctracker/session/" + ref)[1] == one
        assert get(real["url"] + "/-/cctracker/session/%23" + session_id)[1] == one


def test_front_page_opens_the_overview_of_the_imported_history(real):
    with urllib.request.urlopen(real["url"] + "/", timeout=30) as resp:
        body = resp.read().decode()
        assert resp.status == 200 and resp.url.endswith("/-/dashboards/overview")
    assert "<h1>Overview</h1>" in body


def test_text_filter_finds_titles_and_prompts(real):
    conn = sqlite3.connect(real["db"])
    sid, prompt = conn.execute("select session_id, content from messages where kind = 'prompt' and role = 'user'"
                               " and agent_id is null and content not like '<%' order by id limit 1").fetchone()
    word = max(re.findall(r"[A-Za-z]{5,}", prompt), key=len)
    page = get(real["url"] + "/-/cctracker/sessions?q=" + urllib.parse.quote(word))[1]
    assert str(sid) in [r[0] for r in rows(page)]
    none = get(real["url"] + "/-/cctracker/sessions?q=zzqqxxnotaword")[1]
    assert rows(none) == [] and "No sessions match these filters" in none


def test_filters_by_model_project_and_days(real):
    conn = sqlite3.connect(real["db"])
    (model, n), = conn.execute("select model, count(*) from sessions where model = 'claude-opus-4-6'").fetchall()
    page = get(real["url"] + "/-/cctracker/sessions?model=" + urllib.parse.quote(model))[1]
    assert len(rows(page)) == n > 0
    page = get(real["url"] + "/-/cctracker/sessions?project=Demo")[1]
    assert len(rows(page)) == 3
    page = get(real["url"] + "/-/cctracker/sessions?date_from=2025-09-01&date_to=2025-09-05")[1]
    assert len(rows(page)) == 2  # the two claude-code-viewer sessions of 2025-09-03


def test_pages_through_every_session(demo):
    conn = sqlite3.connect(demo["db"])
    total = conn.execute("select count(*) from sessions").fetchone()[0]
    assert total > 100
    seen = []
    page_number = 1
    while True:
        page = get(demo["url"] + "/-/cctracker/sessions?page=%d" % page_number)[1]
        found = rows(page)
        if page_number == 1:
            assert "Sessions 1–50 of %d" % total in page
        seen += [r[0] for r in found]
        if 'rel="next"' not in page:
            break
        page_number += 1
    assert sorted(map(int, seen)) == sorted(r[0] for r in conn.execute("select id from sessions"))
    assert page_number == (total + 49) // 50


def test_sorts_by_a_column_both_ways(demo):
    def prompts(direction):
        page = get(demo["url"] + "/-/cctracker/sessions?sort=prompts&dir=" + direction)[1]
        ids = [int(r[0]) for r in rows(page)]
        conn = sqlite3.connect(demo["db"])
        counts = {r[0]: r[1] for r in conn.execute(
            "select session_id, prompts from session_list")}
        return [counts[i] for i in ids]

    up, down = prompts("asc"), prompts("desc")
    assert up == sorted(up) and down == sorted(down, reverse=True) and down[0] > up[0]


def test_bad_page_and_sort_fall_back(demo):
    status, page = get(demo["url"] + "/-/cctracker/sessions?page=zz&sort=drop%20table&dir=sideways")
    assert status == 200 and len(rows(page)) == 50


def test_unknown_and_ambiguous_references_are_404(demo):
    assert get(demo["url"] + "/-/cctracker/session/nosuchsession")[0] == 404
    assert get(demo["url"] + "/-/cctracker/session/%23999999")[0] == 404
