"""Reports on plans and scenarios: summaries, charts, briefs."""
