"""``python -m alerts``: see alerts/cli.py."""

from alerts.cli import main

main()
