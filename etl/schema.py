"""The warehouse schema: every table of the shared warehouse, defined once (SQLAlchemy Core).

Canonical tables keep source keys as text. Every fact carries ``department_id``. Money is a float in the
dataset's one currency; timestamps are naive local business time. Return lines carry negative quantities,
so revenue sums over all lines give net revenue (see ``etl/kpi.py``).
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()
EVENT_TIME = {"event_time": True}
"""Column info marking the column that dates a fact row: freshness is the latest value of it."""
PLANNED = {"planned": True}
"""Column info marking a date a plan sets, which may lie ahead of the run (etl.validate.TimeWindow)."""


def _key(name: str, *fk: str, primary: bool = False, nullable: bool = True) -> Column:
    """A text key column, optionally a foreign key to ``table.column``."""
    return Column(name, String(64), *(ForeignKey(f) for f in fk), primary_key=primary, nullable=nullable)


def _dept() -> Column:
    return Column("department_id", String(64), ForeignKey("departments.department_id"), nullable=False)


# ---------------------------------------------------------------------------------------------- dimensions
departments = Table(
    "departments", metadata,
    _key("department_id", primary=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
)

employees = Table(
    "employees", metadata,
    _key("employee_id", primary=True),
    Column("name", String(200), nullable=False),
    _dept(),
    Column("role", String(100)),
    _key("manager_id"),
)

customers = Table(
    "customers", metadata,
    _key("customer_id", primary=True),
    Column("name", String(200)),
    Column("segment", String(50)),
    Column("country", String(100)),
    Column("region", String(100)),
    Column("city", String(100)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("created_at", DateTime),
    _key("owner_id", "employees.employee_id"),
    _key("department_id", "departments.department_id"),  # a CRM account may belong to no one department
    Index("ix_customers_department", "department_id"),
)

products = Table(
    "products", metadata,
    _key("product_id", primary=True),
    Column("name", String(300)),
    Column("category", String(100), nullable=False),
    Column("unit_cost", Float),
    Column("list_price", Float),
)

suppliers = Table(
    "suppliers", metadata,
    _key("supplier_id", primary=True),
    Column("name", String(200), nullable=False),
    Column("country", String(100)),
)

# ---------------------------------------------------------------------------------------------- CRM facts
interactions = Table(
    "interactions", metadata,
    _key("interaction_id", primary=True),
    _key("customer_id", "customers.customer_id"),
    _key("employee_id", "employees.employee_id"),
    _dept(),
    Column("channel", String(50), nullable=False),
    Column("occurred_at", DateTime, nullable=False, info=EVENT_TIME),
    Column("outcome", String(100)),
    Index("ix_interactions_occurred", "occurred_at"),
    Index("ix_interactions_customer", "customer_id"),
)

opportunities = Table(
    "opportunities", metadata,
    _key("opportunity_id", primary=True),
    _key("customer_id", "customers.customer_id"),
    _key("owner_id", "employees.employee_id"),
    _dept(),
    _key("product_id", "products.product_id"),
    Column("stage", String(50), nullable=False),
    Column("amount", Float),
    Column("created_at", DateTime, info=EVENT_TIME),
    Column("closed_at", DateTime),
    Column("is_won", Boolean),
    Index("ix_opportunities_created", "created_at"),
    Index("ix_opportunities_department", "department_id"),
)

tickets = Table(
    "tickets", metadata,
    _key("ticket_id", primary=True),
    _key("customer_id", "customers.customer_id"),
    _key("order_id", "orders.order_id"),
    _dept(),
    Column("category", String(100)),
    Column("priority", String(20)),
    Column("opened_at", DateTime, nullable=False, info=EVENT_TIME),
    Column("first_response_at", DateTime),
    Column("resolved_at", DateTime),
    Column("satisfaction", Float),
    Index("ix_tickets_opened", "opened_at"),
    Index("ix_tickets_customer", "customer_id"),
)

social_mentions = Table(
    "social_mentions", metadata,
    _key("mention_id", primary=True),
    Column("platform", String(50), nullable=False),
    Column("author", String(200)),
    _key("customer_id", "customers.customer_id"),
    _key("product_id", "products.product_id"),
    _dept(),
    Column("posted_at", DateTime, nullable=False, info=EVENT_TIME),
    Column("text", Text),
    Column("sentiment", Float),
    Index("ix_mentions_posted", "posted_at"),
    # Social CRM: where a label came from (person, model, lexicon), the brand and topic, and where it was posted
    Column("label", String(10)),  # negative, neutral, positive; given by the source (a person) or NULL
    Column("label_source", String(10)),  # person, model or lexicon; the scorer fills what the source left empty
    Column("label_confidence", Float),  # the labeller's confidence, 0..1, where the source says
    Column("brand", String(100)),
    Column("topic", String(100)),  # e.g. a negative reason ("Late Flight")
    Column("latitude", Float),
    Column("longitude", Float),
    Column("location", String(200)),  # free text as the author wrote it
    Column("author_timezone", String(64)),
    Column("first_response_at", DateTime),  # the brand's first reply, where the data has replies
    Column("language", String(16)),  # ISO 639-1; the source's, else detected by the ETL (etl/language.py); NULL unknown
    Index("ix_mentions_brand", "brand"),
    Index("ix_mentions_customer", "customer_id"),  # the customer 360° timeline
)

mention_labels = Table(  # people's corrections of a mention's label on the Social CRM page (the app writes them)
    "mention_labels", metadata,
    _key("mention_id", primary=True),  # the latest correction wins; every one is in the audit trail
    _key("department_id", nullable=False),  # the mention's (no foreign key: a full refresh reloads departments)
    Column("label", String(10), nullable=False),  # negative, neutral, positive
    Column("previous_label", String(10)),  # what the page showed before (a label, or "not scored")
    Column("corrected_by", String(64), nullable=False),
    Column("corrected_at", DateTime, nullable=False),
)

brands = Table(  # the brands whose mentions are tracked: the own brand(s) and the competitors
    "brands", metadata,
    Column("brand", String(100), primary_key=True),
    Column("is_own", Boolean, nullable=False),
)

# ---------------------------------------------------------------------------------------------- ERP facts
orders = Table(
    "orders", metadata,
    _key("order_id", primary=True),
    _key("customer_id", "customers.customer_id"),
    _dept(),
    _key("employee_id", "employees.employee_id"),
    Column("kind", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("ordered_at", DateTime, nullable=False, info=EVENT_TIME),
    Column("promised_at", DateTime, info=PLANNED),
    Column("shipped_at", DateTime),
    Column("delivered_at", DateTime),
    Column("region", String(100)),  # ship-to region; guest sales have no customer to take it from
    Column("country", String(100)),  # ship-to country, where the source says (the maps use it before the customer's)
    Index("ix_orders_ordered", "ordered_at"),
    Index("ix_orders_customer", "customer_id"),
    Index("ix_orders_department", "department_id"),
)

order_lines = Table(
    "order_lines", metadata,
    _key("order_id", "orders.order_id", primary=True),
    Column("line_no", Integer, primary_key=True),
    _key("product_id", "products.product_id", nullable=False),
    Column("quantity", Float, nullable=False),
    Column("unit_price", Float, nullable=False),
    Column("discount", Float, nullable=False, default=0.0),
    Column("unit_cost", Float),
    Index("ix_order_lines_product", "product_id"),
)

invoices = Table(
    "invoices", metadata,
    _key("invoice_id", primary=True),
    _key("order_id", "orders.order_id"),
    _key("customer_id", "customers.customer_id"),
    _dept(),
    Column("issued_at", DateTime, nullable=False, info=EVENT_TIME),
    Column("due_at", DateTime, info=PLANNED),
    Column("amount", Float, nullable=False),
    Column("paid_at", DateTime),
    Column("paid_amount", Float),
    Index("ix_invoices_issued", "issued_at"),
)

inventory = Table(
    "inventory", metadata,
    Column("snapshot_date", Date, primary_key=True, info=EVENT_TIME),
    _key("product_id", "products.product_id", primary=True),
    Column("warehouse", String(64), primary_key=True),
    Column("on_hand", Float, nullable=False),
    Column("reorder_point", Float),
    Index("ix_inventory_product", "product_id"),
)

purchase_orders = Table(
    "purchase_orders", metadata,
    _key("po_id", primary=True),
    Column("line_no", Integer, primary_key=True),
    _key("supplier_id", "suppliers.supplier_id", nullable=False),
    _key("product_id", "products.product_id", nullable=False),
    _dept(),
    Column("quantity", Float, nullable=False),
    Column("unit_cost", Float),
    Column("ordered_at", DateTime, nullable=False, info=EVENT_TIME),
    Column("expected_at", DateTime, info=PLANNED),
    Column("received_at", DateTime),
    Column("received_quantity", Float),
    Index("ix_purchase_orders_ordered", "ordered_at"),
    Index("ix_purchase_orders_product", "product_id"),
)

# ----------------------------------------------------------------------------------- operations and outputs
etl_runs = Table(
    "etl_runs", metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(500), nullable=False),
    Column("currency", String(3)),  # ISO 4217 code of the source's money columns, shown by the app
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(20), nullable=False),
    Column("rows_read", Integer),
    Column("rows_loaded", Integer),
    Column("rows_rejected", Integer),
    Column("message", Text),
    Column("rows_unchanged", Integer),  # rows identical to those already loaded: read = loaded + unchanged + rejected
    Column("source_path", String(1000)),  # "demo" or the config file: what the app offers to run again
    Column("data_dir", String(1000)),
    Column("refreshed_at", DateTime),  # when forecasts and alerts finished after this load
)

etl_run_tables = Table(
    "etl_run_tables", metadata,
    Column("run_id", Integer, ForeignKey("etl_runs.run_id"), primary_key=True),
    Column("table_name", String(64), primary_key=True),
    Column("rows_read", Integer, nullable=False),
    Column("rows_loaded", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("rows_unchanged", Integer),
    Column("rows_deleted", Integer),  # left the warehouse: no longer given by the source, or marked deleted there
)

etl_cursors = Table(
    "etl_cursors", metadata,
    Column("source", String(200), primary_key=True),
    Column("input", String(200), primary_key=True),
    Column("value", String(64), nullable=False),  # ISO timestamp of the newest row loaded
    Column("run_id", Integer, ForeignKey("etl_runs.run_id"), nullable=False),
)

rejected_rows = Table(
    "rejected_rows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("etl_runs.run_id"), nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("source_ref", String(500)),
    Column("reason", Text, nullable=False),
    Column("payload", Text),
    Index("ix_rejected_rows_run", "run_id", "table_name"),
    Column("rule", String(300)),  # the reason without the row's own values: what rejected rows are counted by
)

# ---------------------------------------------------------------------------------------------------- marts
mart_daily_sales = Table(
    "mart_daily_sales", metadata,
    Column("sales_date", Date, primary_key=True),
    _key("department_id", primary=True),
    Column("category", String(100), primary_key=True),
    Column("region", String(100), primary_key=True),
    Column("month_start", Date, nullable=False),
    Column("revenue", Float, nullable=False),
    Column("returns", Float, nullable=False),
    Column("net_revenue", Float, nullable=False),
    Column("cogs", Float),  # NULL when the source has no costs
    Column("gross_margin", Float),
    Column("orders", Integer, nullable=False),
    Column("units", Float, nullable=False),
    Index("ix_mart_daily_sales_department", "department_id", "sales_date"),
)

mart_customer_month = Table(
    "mart_customer_month", metadata,
    _key("customer_id", primary=True),
    Column("month_start", Date, primary_key=True),
    Column("month_index", Integer, nullable=False),
    Column("cohort_month", Date, nullable=False),
    Column("months_since_cohort", Integer, nullable=False),
    _key("department_id"),
    Column("region", String(100)),
    Column("orders", Integer, nullable=False),
    Column("net_revenue", Float, nullable=False),
    Column("gross_margin", Float),
    Index("ix_mart_customer_month_month", "month_start"),
)

mart_order_fulfilment = Table(
    "mart_order_fulfilment", metadata,
    _key("order_id", primary=True),
    _key("customer_id"),
    _key("department_id", nullable=False),
    Column("region", String(100), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("order_date", Date, nullable=False),
    Column("month_start", Date, nullable=False),
    Column("month_index", Integer, nullable=False),  # year * 12 + month - 1: month arithmetic on any dialect
    Column("net_revenue", Float, nullable=False),
    Column("gross_margin", Float),
    Column("cycle_days", Float),
    Column("is_delivered", Boolean, nullable=False),
    Column("is_on_time", Boolean),
    Index("ix_mart_order_fulfilment_date", "order_date", "department_id"),
    Index("ix_mart_order_fulfilment_customer", "customer_id", "kind", "order_date"),  # first sales, retention
)

mart_daily_product_sales = Table(  # product grain: the forecaster's product x region series
    "mart_daily_product_sales", metadata,
    Column("sales_date", Date, primary_key=True),
    _key("product_id", primary=True),
    Column("region", String(100), primary_key=True),
    Column("units", Float, nullable=False),  # units on sale lines (the demand stock must meet)
    Column("net_revenue", Float, nullable=False),
    Index("ix_mart_daily_product_sales_product", "product_id", "region", "sales_date"),
)

# ------------------------------------------------------------------------------------------------ forecasts
forecast_runs = Table(
    "forecast_runs", metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("etl_run_id", Integer),  # the load whose marts were forecast
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(20), nullable=False),
    Column("horizon_days", Integer, nullable=False),
    Column("settings", Text),  # JSON of the settings used
    Column("series", Integer),
    Column("message", Text),
)

forecast_series = Table(
    "forecast_series", metadata,
    Column("run_id", Integer, ForeignKey("forecast_runs.run_id"), primary_key=True),
    Column("series_id", String(200), primary_key=True),  # "total", "department:SAL-NOR", "category:Laptops"
    Column("level", String(20), nullable=False),
    Column("member", String(200), nullable=False),
    Column("model", String(40)),  # prophet, seasonal_naive, moving_average_28; NULL when skipped
    Column("reason", Text, nullable=False),  # why this model, or why the series fell back or was skipped
    Column("params", Text),
    Column("history_days", Integer, nullable=False),
    Column("history_end", Date),
    Column("reconciliation_gap", Float),  # mean |sum of parts - total| / total before reconciling (level)
)

forecasts = Table(
    "forecasts", metadata,
    Column("run_id", Integer, ForeignKey("forecast_runs.run_id"), primary_key=True),
    Column("series_id", String(200), primary_key=True),
    Column("ds", Date, primary_key=True),
    Column("yhat", Float, nullable=False),
    Column("yhat_lower", Float, nullable=False),
    Column("yhat_upper", Float, nullable=False),
    Column("yhat_base", Float, nullable=False),  # the series' own forecast before reconciliation
)

forecast_backtests = Table(
    "forecast_backtests", metadata,
    Column("run_id", Integer, ForeignKey("forecast_runs.run_id"), primary_key=True),
    Column("series_id", String(200), primary_key=True),
    Column("model", String(40), primary_key=True),
    Column("cutoff", Date, primary_key=True),
    Column("horizon_days", Integer, nullable=False),
    Column("smape", Float),
    Column("mase", Float),
    Column("coverage", Float),
)

forecast_product_series = Table(  # which product and region a product-level series is (level "product")
    "forecast_product_series", metadata,
    Column("run_id", Integer, ForeignKey("forecast_runs.run_id"), primary_key=True),
    Column("series_id", String(200), primary_key=True),
    _key("product_id", nullable=False),
    Column("region", String(100), nullable=False),
)

mart_procurement = Table(
    "mart_procurement", metadata,
    Column("po_id", String(64), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    _key("supplier_id", nullable=False),
    _key("product_id", nullable=False),
    _key("department_id", nullable=False),
    Column("ordered_date", Date, nullable=False),
    Column("month_start", Date, nullable=False),
    Column("value", Float),
    Column("lead_days", Float),  # received - ordered; NULL while open
    Column("is_received", Boolean, nullable=False),
    Column("is_on_time", Boolean),  # received by expected; NULL while open or without an expected date
    Column("days_late", Float),
    Index("ix_mart_procurement_date", "ordered_date"),
)

mart_inventory = Table(
    "mart_inventory", metadata,
    Column("snapshot_date", Date, primary_key=True),
    _key("product_id", primary=True),
    Column("warehouse", String(64), primary_key=True),
    Column("category", String(100), nullable=False),
    Column("on_hand", Float, nullable=False),
    Column("reorder_point", Float),
    Column("stock_value", Float),  # on hand x unit cost; NULL without costs
    Column("is_stockout", Boolean, nullable=False),
    Column("is_below_reorder", Boolean, nullable=False),
    Index("ix_mart_inventory_date", "snapshot_date"),
)

mart_invoices = Table(
    "mart_invoices", metadata,
    _key("invoice_id", primary=True),
    _key("customer_id"),
    _key("department_id", nullable=False),
    Column("issued_date", Date, nullable=False),
    Column("paid_date", Date),
    Column("month_start", Date, nullable=False),
    Column("amount", Float, nullable=False),
    Column("order_to_cash_days", Float),  # paid - ordered
    Column("days_to_pay", Float),  # paid - issued
    Column("is_paid", Boolean, nullable=False),
    Column("is_overdue", Boolean, nullable=False),  # unpaid past its due date at the latest issue date
    Index("ix_mart_invoices_issued", "issued_date"),
    Index("ix_mart_invoices_paid", "paid_date", "issued_date", "amount"),  # receivables open on a day
    Index("ix_mart_invoices_customer", "customer_id"),  # the customer 360° timeline
)

mart_tickets = Table(
    "mart_tickets", metadata,
    _key("ticket_id", primary=True),
    _key("customer_id"),
    _key("department_id", nullable=False),
    Column("region", String(100), nullable=False),
    Column("category", String(100)),
    Column("priority", String(20)),
    Column("opened_date", Date, nullable=False),
    Column("month_start", Date, nullable=False),
    Column("first_response_hours", Float),
    Column("resolution_hours", Float),
    Column("is_resolved", Boolean, nullable=False),
    Column("satisfaction", Float),
    Index("ix_mart_tickets_opened", "opened_date"),
    Index("ix_mart_tickets_customer", "customer_id"),  # the customer 360° timeline
)

mart_opportunities = Table(
    "mart_opportunities", metadata,
    _key("opportunity_id", primary=True),
    _key("customer_id"),
    _key("owner_id"),
    _key("department_id", nullable=False),
    Column("region", String(100), nullable=False),
    Column("stage", String(50), nullable=False),
    Column("amount", Float),
    Column("expected_value", Float),  # the amount, or the product's list price for a deal without one
    Column("probability", Float, nullable=False),  # of the stage, from etl/kpi.py
    Column("is_open", Boolean, nullable=False),
    Column("is_won", Boolean),
    Column("created_date", Date),
    Column("closed_date", Date),
    Column("month_start", Date),
    Column("cycle_days", Float),  # closed - created
    Index("ix_mart_opportunities_created", "created_date"),
)

# ------------------------------------------------------------------------------------------- social marts
mart_mentions = Table(  # one row per mention with its effective sentiment (the source's label, else the scorer's)
    "mart_mentions", metadata,
    _key("mention_id", primary=True),
    Column("posted_date", Date, nullable=False),
    _key("department_id", nullable=False),
    Column("region", String(100), nullable=False),  # the linked customer's region, else Unknown
    Column("brand", String(100), nullable=False),  # Unbranded where the source names none
    Column("is_own_brand", Boolean, nullable=False),
    Column("is_tracked", Boolean, nullable=False),  # a brand of the brands table (all, when it is empty)
    Column("platform", String(50), nullable=False),
    Column("author", String(200)),
    _key("customer_id"),
    Column("topic", String(100)),
    Column("label", String(10), nullable=False),  # negative, neutral, positive, or "not scored" (no scorer reads it)
    Column("label_source", String(10)),  # person, model, lexicon; NULL when not scored
    Column("sentiment", Float),  # -1..1; NULL when not scored (never 0, which would read as neutral)
    Column("language", String(2)),  # ISO 639-1, NULL where the text is too short to tell
    Column("category", String(10)),  # complaint, question, praise or other (etl/categories.py)
    Column("first_response_hours", Float),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("text", Text),
    Index("ix_mart_mentions_date", "posted_date", "department_id"),
)

mart_mention_terms = Table(  # the distinct words of each negative mention, handles, links and stop words left out
    "mart_mention_terms", metadata,
    _key("mention_id", primary=True),
    Column("term", String(60), primary_key=True),
    Index("ix_mart_mention_terms_term", "term"),
)

mart_sentiment_scorer = Table(  # how the scorer was chosen on the last load and how often it agrees with people
    "mart_sentiment_scorer", metadata,
    Column("scorer", String(10), primary_key=True),  # model or lexicon: the one used for unlabelled mentions
    Column("method", String(200), nullable=False),
    Column("labelled", Integer, nullable=False),  # mentions with a person's label
    Column("train_rows", Integer, nullable=False),
    Column("test_rows", Integer, nullable=False),  # the later 30% of the labelled mentions (time split)
    Column("split_at", DateTime),
    Column("accuracy", Float),  # share of held-out mentions where the scorer agrees with the person; NULL untested
    Column("macro_f1", Float),
    Column("lexicon_accuracy", Float),
    Column("lexicon_macro_f1", Float),
    Column("scored", Integer, nullable=False),  # mentions the scorer labelled
)

mart_sentiment_languages = Table(  # the scorer chosen for each language people labelled, measured on its labels
    "mart_sentiment_languages", metadata,
    Column("language", String(8), primary_key=True),  # ISO 639-1; '' for mentions too short to tell
    Column("scorer", String(10), nullable=False),  # model (learned from this language's labels) or lexicon
    Column("labelled", Integer, nullable=False),
    Column("train_rows", Integer, nullable=False),
    Column("test_rows", Integer, nullable=False),  # the later 30% of this language's labels
    Column("accuracy", Float),
    Column("macro_f1", Float),
    Column("lexicon_accuracy", Float),  # the language's lexicon ("not scored" counts as wrong where it has none)
    Column("lexicon_macro_f1", Float),
)

# --------------------------------------------------------------------------------------------------- alerts
alerts = Table(
    "alerts", metadata,
    Column("alert_id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("fingerprint", String(300), nullable=False),  # rule + entity: one open alert per condition
    Column("severity", String(10), nullable=False),  # low, medium, high
    Column("status", String(20), nullable=False),  # open, acknowledged, resolved
    _key("origin_department_id"),
    Column("entity_type", String(40), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("title", String(300), nullable=False),
    Column("message", Text, nullable=False),
    Column("metric_value", Float),
    Column("threshold", Float),
    Column("impact_amount", Float),  # money at risk over all impacts, where it can be computed
    Column("money_kind", String(20)),  # what that money is: one_off, expected_loss, yearly_revenue (alerts.detect)
    Column("as_of", Date, nullable=False),  # the data day the condition was last seen on
    Column("opened_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Index("ix_alerts_status", "status", "fingerprint"),
)

alert_impacts = Table(
    "alert_impacts", metadata,
    Column("alert_id", Integer, ForeignKey("alerts.alert_id"), primary_key=True),
    Column("step", Integer, primary_key=True),  # 0 = where it starts, then each area it reaches, in order
    _key("department_id"),
    Column("area", String(40), nullable=False),  # procurement, logistics, sales, support, marketing, finance
    Column("entity_type", String(40), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("amount", Float),
    Column("unit", String(20)),  # currency, orders, customers, units, days
)

alert_events = Table(
    "alert_events", metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.alert_id"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("actor", String(200), nullable=False),  # "alerts" for the engine, a person's name in the app
    Column("action", String(30), nullable=False),  # opened, updated, acknowledged, resolved, commented, notified ...
    Column("comment", Text),
    Index("ix_alert_events_alert", "alert_id"),
)

# --------------------------------------------------------------------------------------------------- access
users = Table(
    "users", metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(200)),  # argon2id (argon2-cffi); NULL: cannot sign in with a password
    Column("role", String(20)),  # admin, analyst, executive, manager; NULL: signed in but sees nothing
    Column("is_disabled", Boolean, nullable=False, default=False),
    Column("failed_attempts", Integer, nullable=False, default=0),  # consecutive, reset by a sign-in
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("last_sign_in_at", DateTime),
)

user_departments = Table(
    "user_departments", metadata,
    Column("username", String(64), ForeignKey("users.username"), primary_key=True),
    _key("department_id", primary=True),  # no foreign key: a replace load empties departments
)

user_sessions = Table(
    "user_sessions", metadata,
    Column("session_id", String(64), primary_key=True),  # sha-256 of the token kept in the server-side session
    Column("username", String(64), ForeignKey("users.username"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("end_reason", String(20)),  # signed_out, expired, revoked
    Index("ix_user_sessions_user", "username"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(64), nullable=False),  # the signed-in user, the typed username, or "cli:<os user>"
    Column("action", String(40), nullable=False),  # sign_in, sign_in_failed, download, etl_run, alert_resolve ...
    Column("target", String(300)),  # what it was done to: a user, a source, an alert, a file name
    Column("outcome", String(20), nullable=False),  # ok, refused, failed
    Column("detail", Text),
    Index("ix_audit_log_at", "at"),
)

CANONICAL_TABLES = [
    departments, employees, customers, products, suppliers,
    orders, order_lines, invoices, inventory, purchase_orders,
    interactions, opportunities, tickets, social_mentions, brands,
]
"""Canonical tables in load order: every table comes after the tables its foreign keys point to."""

MART_TABLES = [mart_daily_sales, mart_customer_month, mart_order_fulfilment, mart_procurement, mart_inventory,
               mart_invoices, mart_tickets, mart_opportunities, mart_daily_product_sales]
MART_TABLES += [mart_mentions, mart_mention_terms, mart_sentiment_scorer, mart_sentiment_languages]  # Social CRM
FORECAST_TABLES = [forecast_runs, forecast_series, forecasts, forecast_backtests, forecast_product_series]
ALERT_TABLES = [alerts, alert_impacts, alert_events]
ACCESS_TABLES = [users, user_departments, user_sessions, audit_log]


def event_time_column(table: Table) -> Column | None:
    """The column that dates the table's rows, if it has one."""
    return next((c for c in table.columns if c.info.get("event_time")), None)


def primary_key(table: Table) -> list[str]:
    """Names of the table's primary-key columns."""
    return [c.name for c in table.primary_key.columns]
