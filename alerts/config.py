"""The alert rules file (alerts/rules.yaml): rules, their parameters, and notification routes."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from etl.configcheck import explain
from etl.errors import EtlError
from etl.yamlfile import load_yaml

RULES_FILE = Path(__file__).with_name("rules.yaml")
Severity = Literal["low", "medium", "high"]


class Rule(BaseModel):
    """What every rule has."""

    model_config = ConfigDict(extra="forbid")
    id: str
    severity: Severity = "medium"
    enabled: bool = True
    description: str = ""


class MetricThreshold(Rule):
    """A department's on-time delivery rate over the last days falls under a floor."""

    kind: Literal["metric_threshold"]
    metric: Literal["on_time_rate"] = "on_time_rate"
    window_days: int = 7
    below: float = 0.9
    min_count: int = 5


class PeriodChange(Rule):
    """A department's net revenue over the last days falls by more than a share against the days before."""

    kind: Literal["period_change"]
    window_days: int = 7
    drop_above: float = 0.2
    min_previous: float = 0.0


class ForecastBand(Rule):
    """A series' actual sales stay outside the forecast's 80% band for several days running."""

    kind: Literal["forecast_band"]
    days_running: int = 3


class StockoutRisk(Rule):
    """Forecast demand over the supplier lead time exceeds stock on hand plus open purchase orders."""

    kind: Literal["stockout_risk"]
    default_lead_days: float = 14
    demand_days: int = 28


class LatePurchaseOrder(Rule):
    """An open purchase-order line is past its expected date."""

    kind: Literal["late_purchase_order"]
    min_days_late: float = 1
    assumed_further_delay_days: float = 7
    demand_days: int = 28


class SupportBacklog(Rule):
    """Too many tickets open for too long, or resolution slower than its target."""

    kind: Literal["support_backlog"]
    max_open_hours: float = 72
    max_open_tickets: int = 10
    target_resolution_hours: float = 72
    window_days: int = 7


class NegativeMentions(Rule):
    """Negative social mentions in the last days well above their usual weekly level."""

    kind: Literal["negative_mentions"]
    window_days: int = 7
    baseline_weeks: int = 8
    factor: float = 2.0
    min_count: int = 5
    cause_days: int = 30  # late deliveries to the customers who posted are looked for this far back


class CustomerAtRisk(Rule):
    """A valuable customer (top share by net revenue over a year) has gone quiet."""

    kind: Literal["customer_at_risk"]
    top_share: float = 0.2
    silent_days: int = 60


AnyRule = Annotated[MetricThreshold | PeriodChange | ForecastBand | StockoutRisk | LatePurchaseOrder | SupportBacklog
                    | NegativeMentions | CustomerAtRisk, Field(discriminator="kind")]


class EmailChannel(BaseModel):
    """E-mail over SMTP."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["email"]
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    sender: str
    to: list[str]
    starttls: bool = False
    username: str | None = None
    password: str | None = None


class WebhookChannel(BaseModel):
    """A JSON POST (Slack-compatible: the text goes in "text")."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["webhook"]
    url: str


class Route(BaseModel):
    """Which alerts go to which channels: by department (origin or affected) and severity."""

    model_config = ConfigDict(extra="forbid")
    departments: list[str] = Field(default_factory=lambda: ["*"])
    severities: list[Severity] = Field(default_factory=lambda: ["low", "medium", "high"])
    channels: list[str]


class Notifications(BaseModel):
    """Channels and routes; a failing channel is retried and logged, never fatal."""

    model_config = ConfigDict(extra="forbid")
    channels: dict[str, Annotated[EmailChannel | WebhookChannel, Field(discriminator="type")]] = Field(
        default_factory=dict)
    routes: list[Route] = Field(default_factory=list)
    retries: int = 3
    timeout_seconds: float = 5


class AlertConfig(BaseModel):
    """The whole rules file."""

    model_config = ConfigDict(extra="forbid")
    rules: list[AnyRule]
    notifications: Notifications = Field(default_factory=Notifications)


def load_config(path: Path = RULES_FILE) -> AlertConfig:
    """Read and check the rules file; a mistake is one sentence naming the key."""
    try:
        return AlertConfig.model_validate(load_yaml(path))
    except FileNotFoundError:
        raise EtlError(f"The alert rules file {path} does not exist: pass --rules PATH or restore it.") from None
    except ValidationError as error:
        raise EtlError(explain(error, AlertConfig, path, "docs/alerts.md")) from None
