"""Forecast settings: forecasting/settings.yaml, overridden by explicit arguments."""

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
LEVELS = ("total", "department", "category", "region")


@dataclass(frozen=True)
class Settings:
    """Everything a forecast run needs to know besides the data."""

    horizon_days: int = 28
    holidays_country: str | None = "GB"
    levels: tuple[str, ...] = LEVELS
    backtest_cutoffs: int = 4
    min_prophet_days: int = 90
    max_zero_share: float = 0.5
    grid: dict[str, list[float]] = field(default_factory=lambda: {
        "changepoint_prior_scale": [0.01, 0.1], "seasonality_prior_scale": [1.0, 10.0]})

    def with_overrides(self, **overrides) -> "Settings":
        """A copy with the given (non-None) values replaced."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """The settings file, or the defaults when it is missing."""
    if not path.exists():
        return Settings()
    raw = yaml.safe_load(path.read_text()) or {}
    if "levels" in raw:
        raw["levels"] = tuple(raw["levels"])
    unknown = set(raw) - set(Settings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(Settings.__dataclass_fields__)}.")
    return Settings(**raw)
