"""book/_ext/front_door.py: the intro page's table of chapter run times comes
from the chapters' results records, never typed."""

import json
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import SITE, require_built_site

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from front_door import chapter_seconds, minutes  # noqa: E402

RECORDS = sorted((ROOT / "notebooks" / "results").glob("ch[0-9][0-9].json"))


@pytest.mark.parametrize("path", RECORDS, ids=[p.name for p in RECORDS])
def test_every_record_times_its_whole_chapter(path):
    record = json.loads(path.read_text())
    seconds = chapter_seconds(record["timings_s"])
    # the whole chapter takes at least as long as any part of it
    assert seconds >= max(record["timings_s"].values())


def test_a_record_without_one_chapter_time_is_an_error():
    with pytest.raises(ValueError, match="whole chapter once"):
        chapter_seconds({"training_s": 3.0})
    with pytest.raises(ValueError, match="whole chapter once"):
        chapter_seconds({"chapter_s": 3.0, "chapter_total": 4.0})


def test_minutes():
    assert minutes(59.4) == "59 s" and minutes(60.0) == "1.0 min" and minutes(833.3) == "13.9 min"


def test_the_intro_page_shows_each_chapters_recorded_time():
    page = SITE / "book" / "intro.html"
    require_built_site(SITE)
    html = page.read_text(encoding="utf-8")
    table = re.search(r'<table class="[^"]*chapter-runs.*?</table>', html, re.S)
    assert table, "the intro page has no chapter-runs table"
    rows = re.findall(r"<tr.*?</tr>", table.group(0), re.S)[1:]
    assert len(rows) == len(RECORDS)
    for row, path in zip(rows, RECORDS):
        record = json.loads(path.read_text())
        assert f"notebooks/{record['chapter']}_" in row                     # links its chapter
        assert minutes(chapter_seconds(record["timings_s"])) in row
