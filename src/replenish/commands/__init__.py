"""Command groups of the command line, one module per area; each has register(app)."""
