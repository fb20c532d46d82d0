"""Social mentions: the airline tweets accounted for, the scorer's choice and accuracy, the social marts by hand."""

import gzip

import pandas as pd
import pytest
from sqlalchemy import select, text

from etl.db import ensure_schema, get_engine
from etl.errors import EtlError
from etl.kpi import brand_health, net_sentiment, share_of_voice
from etl.pipeline import run_pipeline
from etl.schema import mart_mention_terms, mart_mentions, mart_sentiment_scorer
from etl.sentiment import choose, score_mentions, time_split, without_names
from etl.sources.configured import ConfigSource
from tests.conftest import TWITTER_CONFIG
from tests.etl.test_pipeline import snapshot


def table(url: str, statement) -> pd.DataFrame:
    with get_engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(statement).mappings().all())


def raw_tweets(datasets) -> pd.DataFrame:
    with gzip.open(datasets / "twitter_airline_sentiment" / "Tweets.csv.gz", "rt", encoding="utf-8") as file:
        return pd.read_csv(file, dtype=str, keep_default_na=False)


@pytest.mark.datasets
def test_every_tweet_is_accounted_for(twitter_url, datasets):
    raw = raw_tweets(datasets)
    runs = table(twitter_url, text("SELECT table_name, rows_read, rows_loaded, rows_rejected FROM etl_run_tables"))
    mentions = runs.set_index("table_name").loc["social_mentions"]
    assert (mentions["rows_read"], mentions["rows_loaded"], mentions["rows_rejected"]) == (14_640, 14_485, 155)
    reasons = table(twitter_url, text("SELECT reason FROM rejected_rows"))["reason"]
    assert reasons.str.startswith("exact duplicate of Tweets.csv.gz:").sum() == raw.duplicated().sum() == 36
    assert reasons.str.startswith("duplicate key (mention_id)").sum() == 119
    loaded = table(twitter_url, text("SELECT * FROM social_mentions")).set_index("mention_id")
    assert set(loaded.index) == set(raw["tweet_id"])  # 64-bit ids kept digit for digit, as text
    first = raw.drop_duplicates("tweet_id").set_index("tweet_id")  # the documented policy: the first row wins
    assert loaded["label"].value_counts().to_dict() == first["airline_sentiment"].value_counts().to_dict()
    assert (loaded["brand"].value_counts().sort_index() == first["airline"].value_counts().sort_index()).all()
    located = first["tweet_coord"].ne("") & first["tweet_coord"].ne("[0.0, 0.0]")
    assert loaded["latitude"].notna().sum() == located.sum()
    assert loaded.loc["570306133677760513", "posted_at"].startswith("2015-02-24 14:35:52")  # -0800 -> US Eastern
    brands = table(twitter_url, text("SELECT brand, is_own FROM brands")).set_index("brand")["is_own"]
    assert len(brands) == 6 and brands[brands == 1].index.tolist() == ["United"]


@pytest.mark.datasets
def test_the_learned_model_is_chosen_and_states_its_accuracy(twitter_url):
    scorer = table(twitter_url, select(mart_sentiment_scorer)).iloc[0]
    assert scorer["scorer"] == "model" and scorer["labelled"] == 14_485
    assert scorer["test_rows"] == 14_485 - round(0.7 * 14_485) == 4_345
    assert scorer["macro_f1"] >= 0.75 and scorer["accuracy"] > scorer["lexicon_accuracy"]
    counts = table(twitter_url, text("SELECT label_source, count(*) AS n FROM mart_mentions GROUP BY 1"))
    assert counts.values.tolist() == [["person", 14_485]]  # every tweet keeps its person's label


@pytest.mark.datasets
def test_a_bad_time_zone_stops_the_run_with_one_sentence(tmp_path, datasets):
    config = tmp_path / "tweets.yaml"
    config.write_text(TWITTER_CONFIG.read_text().replace("timezone: America/New_York", "timezone: Mars/Olympus"))
    with pytest.raises(EtlError, match=r"key 'columns.posted_at.timezone' \(Mars/Olympus\) is not a time zone"):
        ConfigSource(config, datasets / "twitter_airline_sentiment").extract()


def test_social_marts_on_the_fixture(social_url):
    marts = table(social_url, select(mart_mentions)).set_index("mention_id")
    assert marts.loc["M7", ["label", "label_source"]].tolist() == ["positive", "lexicon"]
    assert marts.loc["M8", ["label", "label_source", "brand", "is_tracked"]].tolist() == [
        "negative", "lexicon", "Unbranded", 0]
    assert marts.loc[["M3", "M2", "M6"], "sentiment"].tolist() == [-1.0, -0.8, -0.6]  # sign x confidence
    assert marts["first_response_hours"].dropna().to_dict() == {"M1": 2.0, "M2": 4.0, "M4": 6.0}
    assert marts.loc["M2", "region"] == "South" and marts.loc["M3", "region"] == "Unknown"
    assert marts["latitude"].notna().sum() == 2
    terms = table(social_url, select(mart_mention_terms))
    assert "acme" not in set(terms["term"]) and set(terms[terms["mention_id"] == "M2"]["term"]) == {
        "wait", "delivery", "late"}  # lemmas: waiting -> wait
    scorer = table(social_url, select(mart_sentiment_scorer)).iloc[0]
    assert (scorer["scorer"], scorer["labelled"], scorer["scored"]) == ("lexicon", 6, 2)
    assert pd.isna(scorer["accuracy"])


def test_social_kpis_by_hand():
    assert share_of_voice(5, 7) == pytest.approx(5 / 7) and share_of_voice(1, 0) is None
    assert net_sentiment(2, 2, 5) == 0.0 and net_sentiment(2, 0, 3) == pytest.approx(2 / 3)
    assert brand_health(2, 2) == 0.5 and brand_health(0, 0) is None
    series = brand_health(pd.Series([3, 0]), pd.Series([1, 0]))
    assert series.iloc[0] == 0.75 and pd.isna(series.iloc[1])


def test_the_scorer_splits_by_time_and_keeps_people_labels():
    frame = pd.DataFrame({"mention_id": [f"m{i}" for i in range(40)],
                          "posted_at": pd.date_range("2025-01-01", periods=40, freq="h")[::-1],
                          "text": ["love it great"] * 20 + ["awful terrible"] * 20,
                          "label": ["positive"] * 20 + ["negative"] * 20})
    train, test = time_split(frame)
    assert len(train) == 28 and train["posted_at"].max() < test["posted_at"].min()
    assert choose(frame.head(10), [])[0].scorer == "lexicon"  # too few labels to learn from
    frame = frame.assign(label_source="person", label_confidence=0.5, sentiment=None)
    frame.loc[0, ["label", "label_source"]] = [None, None]
    scored, evaluation = score_mentions(frame, [])
    assert scored.loc[1, ["label", "label_source", "sentiment"]].tolist() == ["positive", "person", 0.5]
    assert scored.loc[0, "label_source"] == evaluation.scorer and scored.loc[0, "label"] == "positive"
    assert without_names(pd.Series(["@united Love United &amp; co http://x.y/z"]), ["United"]).str.split().iloc[0] \
        == ["Love", "&", "co"]


def test_an_older_warehouse_gets_the_new_columns(sqlite_url):
    engine = get_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE orders (order_id VARCHAR(64) PRIMARY KEY, customer_id VARCHAR(64), "
                             "department_id VARCHAR(64) NOT NULL, employee_id VARCHAR(64), kind VARCHAR(10) NOT NULL, "
                             "status VARCHAR(20) NOT NULL, ordered_at DATETIME NOT NULL, promised_at DATETIME, "
                             "shipped_at DATETIME, delivered_at DATETIME, region VARCHAR(100))")
    ensure_schema(engine)
    with engine.connect() as conn:
        columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(orders)")]
    assert columns[-1] == "country"


@pytest.mark.datasets
def test_a_rerun_of_the_same_tweets_changes_nothing(sqlite_url, datasets, tmp_path):
    part = raw_tweets(datasets).iloc[11_879:12_100]  # where the file's repeated ids start
    part.to_csv(tmp_path / "Tweets.csv.gz", index=False)
    exact, repeated = part.duplicated().sum(), part["tweet_id"].duplicated().sum()
    engine = get_engine(sqlite_url)
    first = run_pipeline(ConfigSource(TWITTER_CONFIG, tmp_path), engine)
    stats = {t.table: (t.read, t.loaded, t.rejected) for t in first.tables}
    assert stats["social_mentions"] == (221, 221 - repeated, repeated) and exact > 0 and repeated > exact
    before = snapshot(engine)
    run_pipeline(ConfigSource(TWITTER_CONFIG, tmp_path), engine)
    assert snapshot(engine) == before
