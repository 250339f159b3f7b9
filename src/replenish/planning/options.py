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
    #: the Dask scheduler (tcp://host:port) whose workers keep the item groups' models when a
    #: scenario is planned by groups; "" = threads of this process
    scheduler: str = ""
    scheduler_timeout: float = 10.0   # seconds to reach the scheduler
    verbose: bool = False             # show the solver log
    integer: bool = True              # whole quantities for integer items
    compare_greedy: bool = True       # also plan greedily and report the improvement
    decompose: str = "auto"           # "auto", "always" or "never": plan item groups apart
    #: "auto", "always" or "never": measure what binds by re-planning (auto: unless the plan
    #: was made by item groups, where each re-plan takes as long as the plan itself)
    explain: str = "auto"
    budget_rounds: int = 60           # passes of coordinating item groups by price, at most
    budgets: bool = True              # False: budgets are measured but not enforced
    transport: bool = True            # False: hub and route tonnes measured, not limited
    #: a scenario this large (order columns: lines x members x months) is never planned as
    #: one model, not even when its item groups fail: on a 24 GB machine it runs out of
    #: memory (L, 6.3 million, passed 18 GB)
    one_model_max_columns: int = 2_000_000
    #: an item group this large (columns) gets its whole numbers block by block
    #: (planning/blocks.py)
    split_columns: int = 20_000
    #: blocks are batched up to this many columns per MIP, so that items with many small
    #: independent parts (a nation's stock of an item no line makes) are not one MIP each
    batch_columns: int = 2_000
    #: a group's budget rows pooled per member and year are this much (relative) below their
    #: cap for whole numbers, so that the plan made exactly whole after it stays within the cap
    pool_margin: float = 1e-6
    #: a group that loses this part of the plan's objective to whole numbers is planned again
    #: with the money the other groups' whole numbers left (inf: never)
    leftover_loss: float = 1e-4
    #: a MIP's plan whose whole numbers are this close to whole, and whose rows and bounds
    #: hold to this (relative), is taken as it is rather than re-solved with its whole numbers
    #: held (far below HiGHS's tolerances, 1e-7 and 1e-6); negative: always re-solved
    whole_noise: float = 1e-9
    #: "auto", "always" or "never": plan by groups with family requirements priced like
    #: budgets (coupling rows) instead of joining the family's items into one group (auto:
    #: where the scenario is large enough to be planned by groups on "auto"). At L (2,000
    #: items) families join the items into 5 groups of 300-600, without them 1,367 of at most
    #: 257; at M (200), 54 groups of at most 60 items against 135 of at most 34
    split_families: str = "auto"
    #: set for each group's model when planned by groups with `split_families`: requirements
    #: met by several groups (id, the part of the requirement's cost when wholly unmet this
    #: group carries as a constant: its part of the family's items, and the value of one
    #: unit, the whole family's), see requirements.define_requirements
    shared_requirements: tuple[tuple[str, float, float], ...] = ()
    #: "auto", "always" or "never": plan by groups with the recipient's munitions priced
    #: between the platforms that fire them and the munitions' own groups (coupling rows, one
    #: per recipient, munition and month) instead of joining a platform's munitions into its
    #: group (auto: where a group so joined would be larger than
    #: `decompose.SPLIT_SUSTAINMENT_COLUMNS`). At L (2,000 items) sustainment joins 257
    #: items into one group whose first relaxation alone took 683 s; apart, 23 s
    split_sustainment: str = "auto"
    #: set for each group's model when planned by groups with `split_sustainment`: the
    #: (recipient, munition) pairs its platforms fire of munitions other groups plan, and
    #: those of its own munitions that other groups' platforms fire (see
    #: sustainment.define_sustainment)
    imported_munitions: tuple[tuple[str, str], ...] = ()
    exported_munitions: tuple[tuple[str, str], ...] = ()
