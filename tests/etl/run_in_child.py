"""A load in a process of its own, for the kill and concurrency tests: ``python -m tests.etl.run_in_child URL
CHANGE [KILL_AT] [PAUSE_AT]``. CHANGE picks the data (see ``SOURCES``); the process kills itself with SIGKILL when
the run reports the step KILL_AT ("done" comes right after the commit), or sleeps 3 s at PAUSE_AT."""

import os
import signal
import sys
import time

from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.sources import FrameSource
from tests.fixtures import five_orders_frames


def doubled_prices() -> FrameSource:
    """The five orders with every price doubled, as a full snapshot (replace)."""
    frames = five_orders_frames()
    frames["order_lines"]["unit_price"] *= 2
    return FrameSource("doubled", frames, replace=True)


def o5_delivered() -> FrameSource:
    """An upsert of the orders in which O5 has been delivered."""
    orders = five_orders_frames()["orders"]
    orders.loc[orders["order_id"] == "O5", ["status", "delivered_at"]] = ["delivered", "2025-01-22 10:00"]
    return FrameSource("o5-delivered", {"orders": orders})


SOURCES = {"doubled": doubled_prices, "o5": o5_delivered}


def main(url: str, change: str, kill_at: str = "", pause_at: str = "") -> None:
    """Run the load, killing or pausing the process at the named steps."""

    def progress(label: str, done: int, total: int) -> None:
        if label == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if label == pause_at:
            time.sleep(3)

    run_pipeline(SOURCES[change](), get_engine(url), progress=progress, wait=120)


if __name__ == "__main__":
    main(*sys.argv[1:])
