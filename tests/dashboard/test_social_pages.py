"""The Social CRM and Geography pages in AppTest: on the social fixture (figures of tests/social_fixtures.py), an
empty warehouse, the demo, the airline tweets and Online Retail (figures computed with pandas on the raw files),
under department and period filters."""

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from etl.db import get_engine
from etl.pipeline import run_pipeline
from etl.sources.demo import DemoSource
from tests.dashboard.conftest import APP, metrics, signed_in
from tests.dashboard.page_tools import click, labels, record_downloads
from tests.etl.test_online_retail import expected_monthly_revenue, raw_lines
from tests.etl.test_social import raw_tweets
from tests.warehouses import private_copy


def open_page(monkeypatch, url: str, page: str, **params) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["principal"] = signed_in(url)
    at.query_params.update(params)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_social_page_on_the_fixture(monkeypatch, social_url):
    at = open_page(monkeypatch, social_url, "social")
    assert metrics(at) == {"Mentions": ("8", ""), "Share of voice (Acme)": ("71.4%", ""),
                           "Net sentiment": ("0.0%", ""), "Brand-health index": ("50.0%", "")}
    assert at.markdown[0].value.startswith("Of 8 mentions, people labelled 6, the lexicon 2. Mentions without a "
                                           "person's label are scored by a lexicon (VADER")
    assert "fewer than 30 labelled mentions" in at.markdown[0].value
    worst = at.dataframe[0].value
    assert worst["text"].tolist()[:2] == ["Order late, **awful** service", "Still waiting, delivery late again @Acme"]
    assert worst["sentiment"].tolist()[:2] == [-1.0, -0.8]
    assert "<script>" in " ".join(worst["text"])  # shown as text in a table cell, never rendered
    assert "4.0 hours on average, 3 of 5 mentions answered" in at.caption[-1].value


def test_social_page_under_department_and_period_filters(monkeypatch, social_url):
    at = open_page(monkeypatch, social_url, "social", dept=["D1"])
    assert metrics(at) == {"Mentions": ("3", ""), "Share of voice (Acme)": ("100.0%", ""),
                           "Net sentiment": ("66.7%", ""), "Brand-health index": ("100.0%", "")}
    at = open_page(monkeypatch, social_url, "social", start="2025-01-15", end="2025-01-20")
    # against 9-14 Jan: M1 (Acme, positive), M2 (Acme, negative), M5 (Rival): share 2 / 3, net 0 / 2, health 1 / 2
    assert metrics(at) == {"Mentions": ("5", "+66.7%"), "Share of voice (Acme)": ("75.0%", "+8.3 pts"),
                           "Net sentiment": ("0.0%", "+0.0 pts"), "Brand-health index": ("50.0%", "+0.0 pts")}
    assert at.caption[0].value == "Changes on the cards are against the previous period, 9 Jan 2025 – 14 Jan 2025."


def test_customer_360_shows_the_customers_mentions(monkeypatch, social_url):
    at = open_page(monkeypatch, social_url, "retention")
    at.text_input(key="customer_search").input("beta").run()
    said = at.dataframe[-1].value
    assert said[["brand", "label", "label_source", "sentiment"]].values.tolist() == [
        ["Acme", "negative", "person", -0.8]]


def test_geography_on_the_fixture(monkeypatch, social_url):
    at = open_page(monkeypatch, social_url, "geography")
    countries = at.dataframe[0].value
    assert countries.fillna({"map_id": "-"})[["country", "map_id", "net_revenue"]].values.tolist() == [
        ["United Kingdom", "826", 265.0], ["Unknown", "-", 30.0]]  # O3 is a guest sale with no country
    assert at.caption[0].value.startswith("1 of 2 countries on the map. Not on the map (not one country, or no "
                                          "country given): Unknown, with £30 of net revenue (10.2%).")
    assert "2 mentions with coordinates" in at.caption[-1].value
    at = open_page(monkeypatch, social_url, "geography", dept=["D2"])
    assert at.dataframe[0].value["net_revenue"].tolist() == [140.0]


def test_an_empty_warehouse_says_so(monkeypatch, sqlite_url):
    said = {"social": "The loaded data has no social mentions", "geography": "The warehouse holds nothing yet"}
    for page, sentence in said.items():
        at = open_page(monkeypatch, sqlite_url, page)
        assert [i.value[:len(sentence)] for i in at.info] == [sentence] and not at.get("plotly_chart")


@pytest.mark.datasets
def test_social_page_on_the_airline_tweets(monkeypatch, twitter_url, datasets):
    first = raw_tweets(datasets).drop_duplicates("tweet_id")
    united = first[first["airline"] == "United"]["airline_sentiment"].value_counts()
    at = open_page(monkeypatch, twitter_url, "social")
    assert metrics(at) == {
        "Mentions": (f"{len(first):,}", ""),
        "Share of voice (United)": (f"{united.sum() / len(first):.1%}", ""),
        "Net sentiment": (f"{(united['positive'] - united['negative']) / united.sum():.1%}", ""),
        "Brand-health index": (f"{united['positive'] / (united['positive'] + united['negative']):.1%}", "")}
    assert "agrees with people on 80.4% of the later 4,345 labelled mentions" in at.markdown[0].value
    assert at.info[-1].value.startswith("The data has no replies")
    care = first["negativereason"].isin(["Customer Service Issue", "Flight Attendant Complaints", "Bad Flight"])
    at = open_page(monkeypatch, twitter_url, "social", dept=["CARE"])
    assert metrics(at)["Mentions"] == (f"{care.sum():,}", "")
    topics = first[care]["negativereason"].value_counts()
    assert at.dataframe[0].value["sentiment"].max() < 0
    assert topics.index[0] == "Customer Service Issue"


@pytest.mark.datasets
def test_geography_on_the_airline_tweets(monkeypatch, twitter_url, datasets):
    first = raw_tweets(datasets).drop_duplicates("tweet_id")
    located = (first["tweet_coord"].ne("") & first["tweet_coord"].ne("[0.0, 0.0]")).sum()
    at = open_page(monkeypatch, twitter_url, "geography")
    assert at.info[0].value == "The loaded data has no orders, so there is no revenue to map."
    assert at.caption[-1].value.startswith(f"{located:,} mentions with coordinates in the period")


@pytest.fixture(scope="module")
def retail_url(datasets, tmp_path_factory, matrix_warehouse) -> str:
    """Online Retail loaded by the pipeline (built once per session), a private copy for this module."""
    return private_copy(matrix_warehouse("online_retail_loaded"), tmp_path_factory.mktemp("retail"))


@pytest.mark.datasets
def test_geography_on_online_retail_maps_38_countries_through_the_alias_table(monkeypatch, retail_url, datasets):
    raw = raw_lines(datasets / "online_retail")
    kept = raw[~raw.duplicated()]
    write_off = (kept["Quantity"] < 0) & ~kept["InvoiceNo"].str.startswith("C")
    kept = kept[~kept["InvoiceNo"].str.startswith("A") & ~write_off]
    expected = (kept["Quantity"] * kept["UnitPrice"]).groupby(kept["Country"]).sum()
    at = open_page(monkeypatch, retail_url, "geography", start="2010-12-01", end="2011-12-09")
    countries = at.dataframe[0].value.set_index("country")
    assert len(countries) == 38 and countries["net_revenue"].sum() == pytest.approx(
        expected_monthly_revenue(raw).sum(), abs=0.05)
    assert countries["net_revenue"].round(2).to_dict() == pytest.approx(expected.round(2).to_dict(), abs=0.01)
    assert countries.loc[["EIRE", "RSA", "Channel Islands", "USA"], "map_id"].tolist() == ["372", "710", "CHI", "840"]
    unmapped = countries[countries["map_id"].isna()]
    assert sorted(unmapped.index) == ["European Community", "Unspecified"]
    lost = expected[["European Community", "Unspecified"]].sum()
    assert any(f"given): Unspecified, European Community, with £{lost:,.0f} of net revenue" in c.value
               for c in at.caption)
    at = open_page(monkeypatch, retail_url, "social")
    assert at.info[0].value.startswith("The loaded data has no social mentions")


def test_both_pages_on_the_demo(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    run_pipeline(DemoSource(seed=3, end_date=pd.Timestamp("2025-06-30").date(), scale=0.3), get_engine(url))
    at = open_page(monkeypatch, url, "social")
    cards = metrics(at)
    assert cards["Share of voice (Northdesk)"][0].endswith("%") and "a learned model" in at.markdown[0].value
    with get_engine(url).connect() as conn:
        period = pd.read_sql("SELECT count(*) AS n FROM social_mentions WHERE posted_at >= '2025-04-02'", conn)
        before = pd.read_sql("SELECT count(*) AS n FROM social_mentions WHERE posted_at >= '2025-01-02' AND "
                             "posted_at < '2025-04-02'", conn)  # the 90 days before the default last 90 days
    now, was = period["n"].iloc[0], before["n"].iloc[0]
    assert cards["Mentions"] == (f"{now:,}", f"{now / was - 1:+.1%}")
    assert len(at.get("plotly_chart")) >= 6
    with get_engine(url).connect() as conn:  # the demo speaks English and Ukrainian (issue 23)
        spoken = pd.read_sql("SELECT language, count(*) AS n FROM mart_mentions WHERE posted_date >= '2025-04-02' "
                             "GROUP BY language ORDER BY n DESC", conn)
    assert spoken["language"].tolist() == ["en", "uk"] and 0.25 < spoken["n"].iloc[1] / spoken["n"].sum() < 0.35
    split = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if c.proto.id.endswith("-social_languages_chart"))
    assert split["data"][0]["y"] == ["Ukrainian", "English"]
    assert [sum(v) for v in zip(*(values(t["x"]) for t in split["data"]))] == spoken["n"].tolist()[::-1]
    with get_engine(url).connect() as conn:  # each language's scorer learned from that language's labels only
        labelled = pd.read_sql("SELECT language, count(*) AS n FROM mart_mentions WHERE label_source = 'person' "
                               "GROUP BY language ORDER BY n DESC", conn)
    per_language = at.dataframe[1].value
    assert at.caption[1].value.startswith("The measure above is that of English, the language people labelled most")
    assert per_language["language"].tolist() == ["English", "Ukrainian"]
    assert per_language["labelled"].tolist() == labelled["n"].tolist()
    assert per_language["test_rows"].tolist() == [n - round(0.7 * n) for n in labelled["n"]]
    at = open_page(monkeypatch, url, "geography")
    assert at.dataframe[0].value["country"].tolist() == ["United Kingdom"]
    assert len(at.get("plotly_chart")) == 5  # countries, places, late bars, late map, mentions
    assert Path(APP).parent.joinpath("static", "countries.geojson").exists()


@pytest.mark.postgres
def test_both_pages_on_postgresql(monkeypatch, postgres_url):
    from tests.social_fixtures import social_source

    run_pipeline(social_source(), get_engine(postgres_url))
    at = open_page(monkeypatch, postgres_url, "social", dept=["D1"])
    assert metrics(at) == {"Mentions": ("3", ""), "Share of voice (Acme)": ("100.0%", ""),
                           "Net sentiment": ("66.7%", ""), "Brand-health index": ("100.0%", "")}
    at = open_page(monkeypatch, postgres_url, "geography")
    assert at.dataframe[0].value["net_revenue"].tolist() == [265.0, 30.0]
    assert "2 mentions with coordinates" in at.caption[-1].value


# ------------------------------------------------------------------- both languages, clicks, downloads (issue 14)
TITLES = {"en": ("Social CRM", "Mentions per week by brand", "Brand", ["negative", "neutral", "positive"]),
          "uk": ("Соціальна CRM", "Згадки за тижнями й брендами", "Бренд", ["негативна", "нейтральна", "позитивна"])}


def formatted(value: float, language: str, digits: int = 1) -> str:
    """A percentage or a count as each language writes it (worked out here, not by the app's formatter)."""
    text = f"{value:,.{digits}%}" if digits is not None else f"{value:,}"
    return text.replace(",", "\u00a0").replace(".", ",") if language == "uk" else text


def mentions_between(url: str, start: str, end: str) -> pd.DataFrame:
    with get_engine(url).connect() as conn:
        frame = pd.read_sql("SELECT * FROM mart_mentions", conn)
    days = pd.to_datetime(frame["posted_date"])
    return frame[(days >= start) & (days <= end)]


def same_rows(csv: pd.DataFrame, table: pd.DataFrame, columns: dict[str, str]) -> None:
    """The CSV holds the table's rows: the same labels, and each cell the table's value (text cells may carry the
    formula-safe apostrophe)."""
    assert list(csv.columns) == list(columns.values()) and len(csv) == len(table)
    for name, label in columns.items():
        values = table[name]
        if pd.api.types.is_numeric_dtype(values):
            assert pd.to_numeric(csv[label]).tolist() == pytest.approx(values.tolist(), nan_ok=True), name
        elif pd.api.types.is_datetime64_any_dtype(values):
            assert pd.to_datetime(csv[label]).tolist() == values.tolist(), name
        else:
            shown = csv[label].str.removeprefix("'")
            assert shown.tolist() == values.fillna("").astype(str).tolist(), name


@pytest.mark.parametrize("language", ["en", "uk"])
def test_social_page_in_both_languages_equals_pandas_on_the_demo(language, monkeypatch, matrix_warehouse):
    url, downloads = matrix_warehouse("demo"), record_downloads(monkeypatch)
    at = open_page(monkeypatch, url, "social", lang=language, start="2026-04-01", end="2026-06-30")  # 91 days: weeks
    period = mentions_between(url, "2026-04-01", "2026-06-30")
    own, tracked = period[period["is_own_brand"] == 1], period[period["is_tracked"] == 1]
    positive, negative = (own["label"] == "positive").sum(), (own["label"] == "negative").sum()
    title, volume_title, brand_label, sentiment_names = TITLES[language]
    share = {"en": "Share of voice (Northdesk)", "uk": "Частка голосу (Northdesk)"}[language]
    net = {"en": "Net sentiment", "uk": "Чиста тональність"}[language]
    health = {"en": "Brand-health index", "uk": "Індекс здоров’я бренду"}[language]
    cards = metrics(at)
    assert at.title[0].value == title
    assert cards[share][0] == formatted(len(own) / len(tracked), language)
    assert cards[net][0] == formatted((positive - negative) / len(own), language)
    assert cards[health][0] == formatted(positive / (positive + negative), language)
    assert list(cards.values())[0][0] == formatted(len(period), language, None)
    # the changes: against the quarter before, which the demo covers (whole months compare with whole months)
    assert at.caption[0].value == {"en": "Changes on the cards are against the previous period, 1 Jan 2026 – "
                                         "31 Mar 2026."}.get(language, at.caption[0].value)
    before = mentions_between(url, "2026-01-01", "2026-03-31")
    own_before = before[before["is_own_brand"] == 1]
    was = {"positive": (own_before["label"] == "positive").sum(), "negative": (own_before["label"] == "negative").sum()}
    share_before = len(own_before) / (before["is_tracked"] == 1).sum()
    net_before = (was["positive"] - was["negative"]) / len(own_before)
    points = {"en": " pts", "uk": " в. п."}[language]

    def change(now: float, then: float, relative: bool = False) -> str:
        value = now / then - 1 if relative else (now - then) * 100
        text = formatted(value, language) if relative else formatted(value / 100, language)[:-1] + points
        return ("+" if value >= 0 else "") + text
    assert cards[share][1] == change(len(own) / len(tracked), share_before)
    assert cards[net][1] == change((positive - negative) / len(own), net_before)
    assert list(cards.values())[0][1] == change(len(period), len(before), relative=True)
    if language == "uk":
        assert at.markdown[0].value.startswith(f"Із {formatted(len(period), 'uk', None)} згадок: позначили люди — ")
    charts = {c.proto.id.rsplit("-", 1)[1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert charts["social_volume"]["layout"]["title"]["text"] == volume_title
    assert [t["name"] for t in charts["social_platforms_chart"]["data"]] == sentiment_names
    table = at.dataframe[0]
    assert labels(table)["brand"] == brand_label and (table.value["sentiment"].diff().dropna() >= 0).all()
    worst = period[period["label"] == "negative"].sort_values("sentiment").head(20)
    assert table.value["sentiment"].tolist() == pytest.approx(worst["sentiment"].tolist())
    same_rows(downloads(at, "social_worst"), table.value, labels(table))


def test_a_click_on_a_brand_or_a_platform_filters_the_mentions_table(monkeypatch, social_url):
    at = open_page(monkeypatch, social_url, "social", lang="uk")
    assert at.dataframe[0].value["brand"].tolist() == ["Acme", "Acme", "Unbranded", "Rival"]  # M3 M2 M8 M6
    click(at, "social_voice", ["Rival"])  # a bar of the share of voice
    assert at.dataframe[0].value[["brand", "text"]].values.tolist() == [["Rival", "Rival prices went up"]]
    assert "Вибрано клацанням на графіках: бренд Rival." in [c.value for c in at.caption]
    # the fixture's one platform is a sentence, not a chart of one bar; what a click on a platform sets still applies
    assert not any(c.proto.id.endswith("-social_platforms_chart") for c in at.get("plotly_chart"))
    assert any(m.value.startswith("**Згадки за платформами**: X") for m in at.markdown)
    at.session_state["social_platforms"] = ["X"]
    at.run()
    assert "Вибрано клацанням на графіках: бренд Rival, платформа X." in [c.value for c in at.caption]
    click(at, "social_replies", ["Acme"])  # a brand's first-response bar
    assert at.dataframe[0].value["text"].tolist() == ["Order late, **awful** service",
                                                      "Still waiting, delivery late again @Acme"]
    next(b for b in at.button if b.label == "Показати всі бренди й платформи").click().run()
    assert len(at.dataframe[0].value) == 4 and not any(c.value.startswith("Вибрано") for c in at.caption)


def test_a_click_on_a_month_of_mentions_drills_into_its_weeks(monkeypatch, matrix_warehouse):
    url = matrix_warehouse("demo")
    at = open_page(monkeypatch, url, "social", start="2026-01-01", end="2026-06-30")
    volume = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-social_volume"))
    assert volume["layout"]["title"]["text"] == "Mentions per month by brand"
    assert volume["data"][0]["customdata"][:3] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    click(at, "social_volume", ["2026-03-01"])
    assert at.sidebar.date_input(key="filter_period").value == (date(2026, 3, 1), date(2026, 3, 31))
    assert metrics(at)["Mentions"][0] == f"{len(mentions_between(url, '2026-03-01', '2026-03-31')):,}"
    volume = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-social_volume"))
    assert volume["layout"]["title"]["text"] == "Mentions per week by brand"  # a month shows its weeks
    assert volume["data"][0]["customdata"][0] == "2026-02-23"  # the week (from Monday) that holds 1 March
    click(at, "social_volume", ["2026-03-09"])
    assert at.sidebar.date_input(key="filter_period").value == (date(2026, 3, 9), date(2026, 3, 15))
    volume = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-social_volume"))
    assert volume["layout"]["title"]["text"] == "Mentions per day by brand"  # a week shows its days


# ---------------------------------------------------------------------------------- languages (issue 23)
@pytest.fixture
def multilingual_url(sqlite_url) -> str:
    """The social fixture with M4 and M6 in Ukrainian (tests/social_fixtures.py: multilingual_frames)."""
    from etl.sources import FrameSource
    from tests.social_fixtures import multilingual_frames

    run_pipeline(FrameSource("social", multilingual_frames(), currency="GBP"), get_engine(sqlite_url))
    return sqlite_url


def values(encoded) -> list:
    """A Plotly array as a list (the spec packs numbers as base64 'bdata')."""
    if isinstance(encoded, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"]).tolist()
    return list(encoded)


def test_the_language_split_and_the_language_filter(monkeypatch, multilingual_url):
    at = open_page(monkeypatch, multilingual_url, "social")
    charts = {c.proto.id.rsplit("-", 1)[1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    split = charts["social_languages_chart"]["data"]  # bars bottom-up: the most mentioned language on top
    assert [t["name"] for t in split] == ["negative", "neutral", "positive"]
    assert split[0]["y"] == ["Ukrainian", "English"] and split[0]["customdata"] == ["uk", "en"]
    assert [values(t["x"]) for t in split] == [[1, 3], [1, 0], [0, 3]]  # uk: M6, M4; en: M2 M3 M8, -, M1 M5 M7
    assert at.dataframe[0].value["language"].tolist() == ["English", "English", "English", "Ukrainian"]
    at.session_state["social_languages"] = ["uk"]
    at.run()
    assert metrics(at) == {"Mentions": ("2", ""), "Share of voice (Acme)": ("50.0%", ""),
                           "Net sentiment": ("0.0%", ""), "Brand-health index": ("–", "")}
    assert at.dataframe[0].value["text"].tolist() == ["Rival prices went up"]
    at = open_page(monkeypatch, multilingual_url, "social", lang="uk")
    options = next(w for w in at.get("button_group") if w.proto.label == "Мови").proto.options
    assert [o.content for o in options] == ["Англійська (6)", "Українська (2)"]


def test_the_page_says_how_many_mentions_are_not_scored(monkeypatch, sqlite_url):
    from etl.sources import FrameSource
    from tests.social_fixtures import multilingual_frames

    frames = multilingual_frames()
    frames["social_mentions"].loc[7, "language"] = "fr"  # M8 (Unbranded, unlabelled): no scorer reads French
    run_pipeline(FrameSource("social", frames, currency="GBP"), get_engine(sqlite_url))
    at = open_page(monkeypatch, sqlite_url, "social")
    assert at.markdown[0].value.startswith("Of 8 mentions, people labelled 6, the lexicon 1, not scored 1.")
    assert at.caption[1].value.startswith("The measure above is that of English")  # 4 English labels, 2 Ukrainian
    assert at.caption[2].value.startswith("1 mention is not scored: no scorer reads its language")
    assert metrics(at)["Mentions"] == ("8", "")  # it is still a mention
    charts = {c.proto.id.rsplit("-", 1)[1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    split = charts["social_languages_chart"]["data"]  # English 5, Ukrainian 2, French 1 (not scored)
    assert split[0]["y"] == ["French", "Ukrainian", "English"]
    assert [t["name"] for t in split][-1] == "not scored" and values(split[-1]["x"]) == [1, 0, 0]
    assert "Unbranded" not in at.dataframe[0].value["brand"].tolist()  # M8 is no longer a negative mention


def test_the_words_of_negative_mentions_in_ukrainian(monkeypatch, sqlite_url):
    from etl.sources import FrameSource
    from tests.social_fixtures import social_frames

    frames = social_frames()  # M2 and M3 are people's negatives: new texts change no sentiment figure
    frames["social_mentions"].loc[[1, 2], "text"] = ["Доставка знову запізнилася, чекаю тиждень @Acme",
                                                     "Доставку перенесли втретє, кур’єр не дзвонив"]
    run_pipeline(FrameSource("social", frames, currency="GBP"), get_engine(sqlite_url))
    at = open_page(monkeypatch, sqlite_url, "social")
    words = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-social_words"))
    counted = dict(zip(words["data"][0]["y"], values(words["data"][0]["x"])))
    assert counted["доставка"] == 2 and counted["кур'єр"] == 1 and counted["запізнитися"] == 1
    assert not {"знову", "не", "acme"} & set(counted)
    assert list(counted)[-1] == "доставка"  # bars bottom-up: the most used word on top


def test_the_categories_of_the_fixtures_mentions(monkeypatch, social_url):
    at = open_page(monkeypatch, social_url, "social")
    kinds = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-social_categories"))
    # complaint: M2 M3 M6 M8 (negative); praise: M1 M5 M7 (positive); other: M4 (neutral, asks nothing)
    assert kinds["data"][0]["y"] == ["other", "praise", "complaint"] and values(kinds["data"][0]["x"]) == [1, 3, 4]
    at = open_page(monkeypatch, social_url, "social", lang="uk")
    kinds = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-social_categories"))
    assert kinds["data"][0]["y"] == ["інше", "похвала", "скарга"]


def test_a_person_corrects_a_label_on_the_page_and_the_next_run_uses_it(monkeypatch, social_url):
    from etl.schema import audit_log, mention_labels
    from tests.social_fixtures import social_source

    at = open_page(monkeypatch, social_url, "social")
    at.selectbox(key="social_correct_mention").set_value("M8")  # "Terrible, awful experience." read negative
    at.radio(key="social_correct_label").set_value("neutral")
    next(b for b in at.button if b.label == "Save the label").click().run()
    assert at.success[0].value.startswith("Saved. The mention carries this label from the next ETL run on")
    assert "People corrected 1 label on this page" in " ".join(c.value for c in at.caption)
    engine = get_engine(social_url)
    with engine.connect() as conn:
        kept = conn.execute(select(mention_labels.c.mention_id, mention_labels.c.label,
                                   mention_labels.c.previous_label, mention_labels.c.corrected_by)).all()
        trail = conn.execute(select(audit_log.c.action, audit_log.c.target, audit_log.c.detail)
                             .where(audit_log.c.action == "mention_label")).all()
    assert kept == [("M8", "neutral", "negative", "test-admin")]
    assert trail == [("mention_label", "mention M8", "negative -> neutral")]
    assert "Unbranded" in at.dataframe[0].value["brand"].tolist()  # the page shows the mart until the next run
    run_pipeline(social_source(), engine)
    at = open_page(monkeypatch, social_url, "social")
    assert "Unbranded" not in at.dataframe[0].value["brand"].tolist()
    assert at.markdown[0].value.startswith("Of 8 mentions, people labelled 7, the lexicon 1.")


def test_an_executive_may_not_correct_labels(monkeypatch, social_url):
    monkeypatch.setenv("DATABASE_URL", social_url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["principal"] = signed_in(social_url, "executive")
    at.run()
    at.switch_page("views/social.py").run()
    assert not [s for s in at.selectbox if s.key == "social_correct_mention"]


def test_the_weeks_and_months_the_period_cuts_are_faded():
    """Weeks from Monday: 10 Feb 2025 (the period starts on Wednesday 12th) and 3 Mar (it ends on Tuesday 4th) are
    cut; 17 and 24 Feb are whole. Months: February whole, March cut. Days: none."""
    from dashboard.charts import social as social_charts

    weeks = pd.Series(pd.to_datetime(["2025-02-10", "2025-02-17", "2025-02-24", "2025-03-03"]))
    assert social_charts.cut_buckets(weeks, "week", date(2025, 2, 12), date(2025, 3, 4)).tolist() == [
        True, False, False, True]
    months = pd.Series(pd.to_datetime(["2025-02-01", "2025-03-01"]))
    assert social_charts.cut_buckets(months, "month", date(2025, 2, 1), date(2025, 3, 4)).tolist() == [False, True]
    assert not social_charts.cut_buckets(weeks, "day", date(2025, 2, 12), date(2025, 3, 4)).any()
    rows = pd.DataFrame({"period": weeks, "brand": "Acme", "mentions": [3, 7, 8, 2]})
    fig = social_charts.volume(rows, {"Acme": "#2563eb"}, "week", date(2025, 2, 12), date(2025, 3, 4))
    assert list(fig.data[0].marker.opacity) == [0.45, 1.0, 1.0, 0.45]


def test_the_demo_page_says_which_bars_are_faded(monkeypatch, matrix_warehouse):
    at = open_page(monkeypatch, matrix_warehouse("demo"), "social")  # the last 90 days: 2 Apr - 30 Jun 2026, weeks
    assert "Faded bars: weeks the period cuts, so they hold fewer days." in [c.value for c in at.caption]
