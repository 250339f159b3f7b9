"""Tests of replenish.sweep and `replenish sweep`."""
