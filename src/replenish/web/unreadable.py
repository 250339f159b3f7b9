"""A stored plan a page cannot read: a file the page needs is missing (a plan from an older
version, or one stored in part) or a cell cannot be read. The page keeps its layout and says
what is wrong and what to do (plan again); the operator finds the same in the log."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from replenish.errors import Problem, ScenarioError
from replenish.i18n import _
from replenish.plan.reader import FILE_MISSING, missing_files
from replenish.store.server_tables import PlanJob

log = logging.getLogger(__name__)
#: problems named on a page; the log has them all
SHOWN_PROBLEMS = 3


@dataclass
class UnreadablePlan(Exception):
    """Plan job `job` lacks files a page needs, or has cells the plan reader refuses."""

    job: int
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return f"plan {self.job}: " + "; ".join(str(p) for p in self.problems)

    @property
    def missing(self) -> list[str]:
        """The files (or summary.json keys) missing, as a page names them, in order found."""
        names = [_("%(key)s in %(file)s") % {"key": p.column, "file": PurePath(p.file).name}
                 if p.column else PurePath(p.file).name
                 for p in self.problems if p.message == FILE_MISSING]
        return list(dict.fromkeys(names))

    @property
    def other(self) -> list[Problem]:
        """The problems that are not a missing file."""
        return [p for p in self.problems if p.message != FILE_MISSING]


@contextmanager
def reading(job: PlanJob) -> Iterator[None]:
    """Read `job`'s plan inside: the reader's ScenarioError becomes UnreadablePlan."""
    try:
        yield
    except ScenarioError as exc:
        raise UnreadablePlan(job.id, list(exc.problems)) from exc


def need_files(job: PlanJob, names: Collection[str]) -> None:
    """UnreadablePlan unless `job`'s stored plan has each file of `names` it must have."""
    missing = missing_files(job.rows or {}, names)
    if missing:
        raise UnreadablePlan(job.id, [Problem(n, None, None, FILE_MISSING) for n in missing])


def need_summary(job: PlanJob, key: str) -> None:
    """UnreadablePlan unless `job` has a summary.json with `key` (every plan written has)."""
    if job.summary is None:
        raise UnreadablePlan(job.id, [Problem("summary.json", None, None, FILE_MISSING)])
    if key not in job.summary:
        raise UnreadablePlan(job.id, [Problem("summary.json", None, key, FILE_MISSING)])


def trouble_words(exc: UnreadablePlan) -> str:
    """What a page says of the plan it cannot read (the action to take is the page's)."""
    sentences = []
    if exc.missing:
        sentences.append(_("Plan %(id)s has no %(files)s, which this page needs.")
                         % {"id": exc.job, "files": ", ".join(exc.missing)})
    if exc.other:
        shown = "; ".join(str(p) for p in exc.other[:SHOWN_PROBLEMS])
        if len(exc.other) > SHOWN_PROBLEMS:
            shown += " " + _("(and %(more)s more)") % {"more": len(exc.other) - SHOWN_PROBLEMS}
        sentences.append(_("Plan %(id)s cannot be read: %(problems)s.")
                         % {"id": exc.job, "problems": shown})
    return " ".join(sentences)


def replan_words(exc: UnreadablePlan, may_plan: bool) -> str:
    """What is wrong with the plan, and who should plan the store again."""
    action = (_("Plan the store again to make a complete plan.") if may_plan
              else _("Ask a coordinator to plan the store again."))
    return f"{trouble_words(exc)} {action}"


def log_unreadable(page: str, exc: UnreadablePlan) -> None:
    """Tell the operator which page could not read which plan, and why."""
    log.warning("page %s: the stored plan cannot be read: %s", page, exc)
