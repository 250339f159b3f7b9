"""Plan jobs' stages and failures on the pages, and the pages' signed changes, in the reader's
language (the runner stores them in English, as the API returns them)."""

from __future__ import annotations

from replenish import i18n
from replenish.web.job_words import job_words
from replenish.web.views import signed


def test_stages_and_failures_read_in_danish_and_unchanged_in_english() -> None:
    stored = ["queued", "national: planning", "measuring what binds (5 re-plans)",
              "InfeasiblePlan: pledge PLG01 cannot be met",
              "desk already has 2 plans queued or running (at most 2); wait for one or cancel it"]
    english = [job_words(text) for text in stored]
    assert english[:3] == stored[:3]
    assert english[3] == "no plan meets every condition: pledge PLG01 cannot be met"
    with i18n.speaking("da"):
        danish = [job_words(text) for text in stored]
    assert danish[0] == "i kø" and danish[1] == "nationalt: planlægger"
    assert danish[2] == "måler, hvad der binder (5 nye planlægninger)"
    assert danish[3].startswith("ingen plan opfylder alle betingelser: ")
    assert danish[4].startswith("desk har allerede 2 planer i kø")
    assert job_words("KeyError: x") == "KeyError: x" and job_words(None) == ""
    # a stage of a plan by groups that only some plans reach
    again = "planning again what had no whole numbers within its shares"
    with i18n.speaking("da"):
        assert job_words(again).startswith("planlægger igen det, der ikke fik hele tal")


def test_signed_changes_follow_the_language() -> None:
    assert [signed(v) for v in (24_480_000, -0.5, 2, 0.01)] == ["+24,480,000", "-0.5", "+2", "0"]
    with i18n.speaking("da"):
        assert [signed(v) for v in (24_480_000, -1.5)] == ["+24.480.000", "-1,5"]
