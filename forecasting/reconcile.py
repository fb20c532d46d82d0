"""Reconciliation: the parts of a breakdown (departments, categories, regions) must add up to the total.

Proportional (top-down) reconciliation: each day, every part is scaled by total / sum of parts, so the total
forecast (usually the most accurate, having the most data) is kept and each part keeps its share.
"""

import pandas as pd

COLUMNS = ["yhat", "yhat_lower", "yhat_upper"]


def gap(total: pd.DataFrame, parts: dict[str, pd.DataFrame]) -> float:
    """Mean absolute gap between the sum of the parts and the total, relative to the mean total."""
    summed = _sum(parts).reindex(total["ds"]).fillna(0.0)
    mean_total = total["yhat"].abs().mean()
    if not mean_total:
        return 0.0
    return float((summed.to_numpy() - total["yhat"].to_numpy()).__abs__().mean() / mean_total)


def _sum(parts: dict[str, pd.DataFrame]) -> pd.Series:
    return pd.concat([p.set_index("ds")["yhat"] for p in parts.values()], axis=1).fillna(0.0).sum(axis=1)


def proportional(total: pd.DataFrame, parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The parts scaled day by day so that they add up to the total (a day whose parts sum to 0 stays 0)."""
    summed = _sum(parts)
    factor = (total.set_index("ds")["yhat"] / summed.where(summed != 0)).fillna(0.0)
    reconciled = {}
    for member, frame in parts.items():
        scale = factor.reindex(frame["ds"]).fillna(0.0).to_numpy()
        scaled = frame.copy()
        for column in COLUMNS:
            scaled[column] = frame[column].to_numpy() * scale
        reconciled[member] = scaled
    return reconciled
