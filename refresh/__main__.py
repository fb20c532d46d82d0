"""``python -m refresh``: the same commands as ``python -m etl``."""

from refresh.cli import main

main()
