"""``python -m forecasting``: see forecasting/cli.py."""

from forecasting.cli import main

if __name__ == "__main__":  # Dask's worker processes import this module again: only the command runs it
    main()
