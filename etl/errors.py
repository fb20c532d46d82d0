"""The one exception type for user-facing ETL failures: its message is one sentence saying what to do."""


class EtlError(Exception):
    """A fatal, user-facing error: the run stops, the warehouse stays as it was, the CLI exits non-zero."""
