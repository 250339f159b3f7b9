"""Options of one planning run, passed explicitly through build, solve and read-back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Vars = dict[str, npt.NDArray[np.int64]]
Info = dict[str, Any]


@dataclass(frozen=True)
class PlanOptions:
    method: str = "optimal"           # "optimal" or "greedy"
    time_limit: float = 600.0         # seconds for the solver
    mip_rel_gap: float = 1e-4         # relative MIP gap accepted as optimal
    threads: int = 0                  # HiGHS threads, and item groups solved at once; 0 = cores
    verbose: bool = False             # show the solver log
    integer: bool = True              # whole quantities for integer items
    compare_greedy: bool = True       # also plan greedily and report the improvement
    decompose: str = "auto"           # "auto", "always" or "never": plan item groups apart
    #: "auto", "always" or "never": measure what binds by re-planning (auto: unless the plan
    #: was made by item groups, where each re-plan takes as long as the plan itself)
    explain: str = "auto"
    budget_rounds: int = 30           # rounds of moving budget between items, at most
    budgets: bool = True              # False: budgets are measured but not enforced
