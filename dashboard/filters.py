"""The global sidebar filters (period and departments), drawn once by app.py and read by every page."""

from datetime import timedelta

import streamlit as st

from dashboard import queries as q
from dashboard.queries import Filters

DEFAULT_DAYS = 90
STATE_KEY = "filters"


def draw_sidebar() -> Filters | None:
    """Draw the filters in the sidebar and remember the choice; None when the warehouse has no orders."""
    bounds = q.date_bounds() if q.has_data() else None
    if bounds is None:
        st.session_state.pop(STATE_KEY, None)
        return None
    first, last = bounds
    period = st.sidebar.date_input(
        "Period", value=(max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last), min_value=first,
        max_value=last, key="filter_period", format="YYYY-MM-DD",
        help="Every page shows this period; changes compare it with the period of the same length before it.")
    start, end = (period[0], period[-1]) if isinstance(period, (tuple, list)) and period else (first, last)
    options = q.department_options()
    names = dict(zip(options["department_id"], options["name"]))
    chosen = st.sidebar.multiselect("Departments", list(names), format_func=lambda d: names.get(d, d),
                                    key="filter_departments", placeholder="All departments")
    st.session_state[STATE_KEY] = Filters(start, end, tuple(sorted(chosen)))
    return st.session_state[STATE_KEY]


def current() -> Filters | None:
    """The filters the sidebar drew on this run (None when the warehouse is empty)."""
    return st.session_state.get(STATE_KEY)
