"""Domain exceptions, turned into exit codes and HTTP statuses at the edges (cli.py, api/)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass
class ScenarioError(Exception):
    """A scenario (or other input) is invalid; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass
class InfeasiblePlan(Exception):
    """No plan satisfies the hard rules; `reasons` name the pledge, nation, item and month."""

    reasons: list[str] = field(default_factory=list)
    #: what the user should know beyond the reasons (e.g. that the output folder still holds
    #: an earlier plan); printed after them
    note: str | None = None

    def __str__(self) -> str:
        return "\n".join(self.reasons)


@dataclass
class NoPlanInTime(Exception):
    """The solver found no plan within the time limit: not an infeasibility (exit 4)."""

    #: what was tried, in words ("the LP relaxation of 12,345 columns for 0.05 s")
    tried: list[str] = field(default_factory=list)
    time_limit: float = 0.0

    def __str__(self) -> str:
        return "\n".join(self.tried)


class StoreError(Exception):
    """A store operation was refused (e.g. a movement that would drive stock negative)."""


class ConflictError(StoreError):
    """The request conflicts with the current state (HTTP 409)."""


@dataclass
class MissingExtra(Exception):
    """A command needs an optional part of replenish that is not installed (exit 2)."""

    command: str
    extra: str
    #: the modules of the extra that cannot be imported
    modules: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"`replenish {self.command}` needs the {self.extra} extra "
                f"({', '.join(self.modules)} not installed): "
                f"pip install 'replenish[{self.extra}]'")


class SchedulerUnavailable(Exception):
    """The Dask scheduler asked for could not be reached or has no workers (exit 2: the
    address given is wrong, or the cluster is down)."""
