"""Forecast settings: forecasting/settings.yaml, overridden by explicit arguments."""

from dataclasses import dataclass, replace
from pathlib import Path

from etl.yamlfile import load_yaml

SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
LEVELS = ("total", "department", "category", "region", "product")


@dataclass(frozen=True)
class Settings:
    """Everything a forecast run needs to know besides the data."""

    horizon_days: int = 28
    holidays_country: str | None = "GB"
    levels: tuple[str, ...] = LEVELS
    scored_origins: int = 13  # weekly origins the reported (as-deployed) scores are averaged over: a quarter
    selection_origins: int = 6  # the latest finished origins a choice and its band are made from
    min_prophet_days: int = 90
    max_zero_share: float = 0.5
    changepoint_prior_scales: tuple[float, ...] = (0.1,)
    prophet_warm_start: bool = True  # each origin's fit starts from the previous one's parameters
    prophet_levels: tuple[str, ...] = ("total", "department")
    top_products: int = 10  # products with the most units over the last year: one series per region each
    batch_series: int = 25  # series written per transaction (a crashed run resumes after the last batch)

    def with_overrides(self, **overrides) -> "Settings":
        """A copy with the given (non-None) values replaced."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """The settings file, or the defaults when it is missing."""
    if not path.exists():
        return Settings()
    raw = load_yaml(path) or {}
    for key in ("levels", "changepoint_prior_scales", "prophet_levels"):
        if key in raw:
            raw[key] = tuple(raw[key])
    unknown = set(raw) - set(Settings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(Settings.__dataclass_fields__)}.")
    return Settings(**raw)
