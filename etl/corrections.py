"""People's corrections of a mention's label (the Social CRM page writes them, the ETL reads them).

A correction is a person's label: on the next run ``etl.social`` gives the mention that label (label_source
person), and the scorer learns from it like from any label a source gave (etl.sentiment: a model learns from
people's labels and scores the languages it learned from). The latest correction of a mention wins; each one is
also in the audit trail (access.audit, action mention_label) with who, when and what it was before.
"""

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, delete, insert

from etl.schema import mention_labels
from etl.sentiment import LABELS


def correct(conn: Connection, mention_id: str, department_id: str, label: str, actor: str,
            previous: str | None = None, at: datetime | None = None) -> None:
    """Keep a person's label for a mention (replacing an earlier correction), in the caller's transaction."""
    if label not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}, not {label!r}")
    if not actor.strip():
        raise ValueError("say who you are: every correction is kept with its author")
    conn.execute(delete(mention_labels).where(mention_labels.c.mention_id == mention_id))
    conn.execute(insert(mention_labels).values(mention_id=mention_id, department_id=department_id, label=label,
                                               previous_label=previous, corrected_by=actor[:64],
                                               corrected_at=at or datetime.now()))


def apply_corrections(mentions: pd.DataFrame, corrected: pd.Series) -> pd.DataFrame:
    """The mentions with people's corrections (``corrected``: a label or None per mention) as person labels."""
    frame, fixed = mentions.copy(), corrected.notna().to_numpy()
    frame.loc[fixed, "label"] = corrected[fixed].to_numpy()
    frame.loc[fixed, "label_source"] = "person"
    frame.loc[fixed, "label_confidence"] = 1.0
    frame.loc[fixed, "sentiment"] = None  # the source's score belonged to the label it gave
    return frame
