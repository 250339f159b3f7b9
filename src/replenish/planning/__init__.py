"""The optimisation model (one module per constraint group), solve, read back, explain."""
