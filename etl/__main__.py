"""``python -m etl``: the command line of DESIGN.md. A run is a whole refresh (load, forecasts, alerts), so the
command is the orchestrator's (refresh/cli.py); this entry point is the one file of etl/ that reaches above it."""

from refresh.cli import main

main()
