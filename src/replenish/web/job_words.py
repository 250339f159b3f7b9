"""Plan jobs in the reader's language: the stage and failure texts the runner stores in English
(the API returns them as stored) said in the page's language where a page shows them."""

from __future__ import annotations

import re

from replenish.i18n import N_, _

#: a stored stage or error (the whole text) -> its message; the groups fill the message's
#: placeholders, themselves said in words where one of WORDS matches
_TEXTS = tuple((re.compile(pattern + r"\Z", re.DOTALL), message) for pattern, message in (
    (r"queued", N_("queued")),
    (r"reading the store", N_("reading the store")),
    (r"greedy", N_("greedy")),
    (r"build", N_("build")),
    (r"solve", N_("solve")),
    (r"read back", N_("read back")),
    (r"done", N_("done")),
    (r"failed", N_("failed")),
    (r"cancelled", N_("cancelled")),
    (r"spending what whole numbers left", N_("spending what whole numbers left")),
    (r"planning again what had no whole numbers within its shares",
     N_("planning again what had no whole numbers within its shares")),
    (r"(?P<mode>joint|national): planning", N_("%(mode)s: planning")),
    (r"measuring what binds \((?P<n>\d+) re-plans\)",
     N_("measuring what binds (%(n)s re-plans)")),
    (r"bound (?P<done>\d+)/(?P<all>\d+)", N_("bound %(done)s/%(all)s")),
    (r"shares (?P<done>\d+)/(?P<all>\d+)", N_("shares %(done)s/%(all)s")),
    (r"whole numbers (?P<done>\d+)/(?P<all>\d+)", N_("whole numbers %(done)s/%(all)s")),
    (r"coordinating by price, pass (?P<pass>\d+): relaxation and bound (?P<apart>[\d.]+) % apart",
     N_("coordinating by price, pass %(pass)s: relaxation and bound %(apart)s %% apart")),
    (r"coordinating by price, pass (?P<pass>\d+): relaxation and bound no combined plan yet",
     N_("coordinating by price, pass %(pass)s: relaxation and bound no combined plan yet")),
    (r"queued on (?P<scheduler>.+)", N_("queued on %(scheduler)s")),
    (r"running on (?P<scheduler>.+)", N_("running on %(scheduler)s")),
    (r"InfeasiblePlan: (?P<detail>.*)", N_("no plan meets every condition: %(detail)s")),
    (r"NoPlanInTime: (?P<detail>.*)", N_("no plan within the time limit: %(detail)s")),
    (r"ScenarioError: (?P<detail>.*)", N_("the stored scenario is not valid: %(detail)s")),
    (r"SchedulerError: the Dask scheduler at (?P<scheduler>\S+) could not be reached in "
     r"(?P<seconds>\S+) s: (?P<detail>.*)",
     N_("the Dask scheduler at %(scheduler)s could not be reached in %(seconds)s s: "
        "%(detail)s")),
    (r"SchedulerError: the Dask scheduler at (?P<scheduler>\S+) dropped the plan: "
     r"(?P<detail>.*)", N_("the Dask scheduler at %(scheduler)s dropped the plan: %(detail)s")),
    (r"(?P<user>\S+) already has (?P<open>\d+) plans queued or running \(at most "
     r"(?P<limit>\d+)\); wait for one or cancel it",
     N_("%(user)s already has %(open)s plans queued or running (at most %(limit)s); wait for "
        "one or cancel it")),
    (r"the server process running this plan \((?P<worker>.*)\) stopped before it finished; "
     r"plan again",
     N_("the server process running this plan (%(worker)s) stopped before it finished; plan "
        "again")),
))
#: words inside a stage that are themselves translated
_WORDS = {"joint": N_("joint"), "national": N_("national")}


def job_words(text: str | None) -> str:
    """A plan job's stored stage or error in the current language; a text of no known form
    (an unexpected error's own message) as it is."""
    if not text:
        return ""
    for pattern, message in _TEXTS:
        found = pattern.match(text)
        if found:
            return _(message) % {key: _(_WORDS[value]) if value in _WORDS else value
                                 for key, value in found.groupdict().items()}
    return text
