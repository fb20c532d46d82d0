"""The demo company as a source: a full snapshot, so it replaces the canonical tables on every load."""

from datetime import date, datetime, time, timedelta

from etl.demo import SupplierDelay, generate_demo, last_full_day
from etl.sources import FrameSource, RawTable
from etl.validate import TimeWindow


class DemoSource:
    """The generated demo company for a seed, end date and scale."""

    replace = True
    currency = "GBP"

    def __init__(self, seed: int = 42, end_date: date | None = None, scale: float = 1.0,
                 incident: SupplierDelay | None = None):
        self.seed, self.end_date, self.scale, self.incident = seed, end_date or last_full_day(), scale, incident
        # The simulated company's clock: the morning after its last full day, whatever the real date.
        self.window = TimeWindow(datetime.combine(self.end_date + timedelta(days=1), time()))
        self.name = f"demo(seed={seed}, end_date={self.end_date.isoformat()}, scale={scale:g})"
        if incident:
            self.name += f" with {incident.supplier_id} {incident.days} days late"

    def extract(self) -> dict[str, RawTable]:
        """Generate every canonical table of the demo company."""
        frames = generate_demo(self.seed, self.end_date, self.scale, self.incident)
        return FrameSource(self.name, frames, origins={t: f"demo:{t}" for t in frames}).extract()
