"""The plan artefact: its records, the one writer, the one reader, the checker and the scorer.

The planner produces a `Plan`; `write_plan` is the only code that writes plan files and
`read_plan` the only code that reads them back, for reports, the API and the commands alike.
"""
