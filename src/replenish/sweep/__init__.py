"""Monte Carlo sweeps: the scenario drawn many times from uncertainty.toml, each draw planned
again (`replan`) or the plan replayed in it (`fixed`), and quantiles of what the runs deliver.

`draws` samples a run's world, `simulate` replays a fixed plan in it, `metrics` measures a
run, `runs` is one run as a worker does it, `cluster` runs them on Dask, `results` writes the
quantiles. See docs/sweeps.md.
"""
