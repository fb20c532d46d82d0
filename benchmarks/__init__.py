"""Benchmarks, run by `make bench`; results are written to docs/benchmarks.md as ratios to a baseline."""
