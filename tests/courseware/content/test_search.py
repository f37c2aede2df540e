"""Search finds whole words and quoted phrases, leaves common words out, ranks by relevance on
PostgreSQL and shows each paragraph with its reading, section and ¶ link.

These run on whichever database the suite runs on (SQLite by default, PostgreSQL with
``DATABASE_URL``); the ranking test is PostgreSQL's alone.
"""

import pytest
from django.db import connection
from django.urls import reverse

from courseware.selectors.search import paragraph_search, parse_query
from courseware.services.content import unit_reading_add
from tests.factories import ReadingFactory

pytestmark = pytest.mark.django_db

TEXT = """The Struggle for Power

Stalin argued for socialism in one country, and the world order seemed to agree with him.

The permanent revolution was Trotsky’s answer to the isolation of the Soviet state.

That revolution, Trotsky held, was permanent only while Europe stayed capitalist.

Bukharin and Stalin met in Moscow to plan the campaign against Trotskyism.
"""


@pytest.fixture
def reading(content):
    reading = ReadingFactory(slug="struggle", title="The Struggle in Print", text=TEXT)
    unit_reading_add(unit=content.unit, reading=reading)
    return reading


def _search(client, school, **params):
    client.force_login(school.student)
    response = client.get(reverse("courseware:search"), params)
    assert response.status_code == 200
    return response


def _numbers(response) -> list[int]:
    return [hit.paragraph.number for hit in response.context["hits"]]


def test_only_whole_words_are_found_and_marked(client, school, reading):
    response = _search(client, school, q="Stalin world")
    html = response.content.decode()
    assert _numbers(response) == [1]
    assert "<mark>Stalin</mark>" in html and "<mark>world</mark>" in html
    assert "Stal<mark>" not in html and "w<mark>" not in html and "<mark>or</mark>" not in html
    # Part of a word finds nothing: "Trot" is not "Trotsky".
    assert _numbers(_search(client, school, q="Trot")) == []


def test_common_words_are_left_out_of_matching_and_marking(client, school, reading):
    response = _search(client, school, q="the world or in")
    html = response.content.decode()
    assert _numbers(response) == [1]
    for word in ("the", "The", "or", "in"):
        assert f"<mark>{word}</mark>" not in html
    assert "<mark>world</mark>" in html


def test_a_search_of_only_common_words_finds_nothing_and_says_why(client, school, reading):
    response = _search(client, school, q="in the or")
    assert _numbers(response) == []
    assert "common word" in response.content.decode()


def test_a_quoted_phrase_finds_the_words_together_only(client, school, reading):
    assert sorted(_numbers(_search(client, school, q="permanent revolution"))) == [2, 3]
    response = _search(client, school, q='"permanent revolution"')
    assert _numbers(response) == [2]
    html = response.content.decode().lower()
    assert "<mark>permanent" in html and "revolution</mark>" in html
    # Curly quotes, as a phone keyboard types them, are a phrase too.
    assert _numbers(_search(client, school, q="“permanent revolution” Trotsky")) == [2]


def test_each_result_shows_its_reading_section_and_paragraph_link(client, school, reading):
    response = _search(client, school, q="Bukharin")
    [hit] = response.context["hits"]
    html = response.content.decode()
    assert "The Struggle in Print" in html
    assert hit.paragraph.section.title
    assert hit.paragraph.section.title in html
    assert f'href="{reading.get_absolute_url()}#p-{hit.paragraph.number}"' in html
    assert f"¶{hit.paragraph.number}</a>" in html


def test_parse_query_keeps_phrases_and_drops_common_and_repeated_words():
    parsed = parse_query('the Troika and "socialism in one country" troika Stalin "Lenin"')
    assert sorted(parsed.words) == ["Lenin", "Stalin", "Troika"]
    assert parsed.phrases == [["socialism", "in", "one", "country"]]
    assert not parse_query("of the in")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_postgresql_ranks_the_most_relevant_paragraph_first(school, content):
    text = "\n\n".join(
        [
            "The Opposition was mentioned once in this long paragraph about the harvest, the "
            "grain procurements, the price of manufactured goods, the scissors crisis, the "
            "kulaks in the villages and the many other questions of the economic debate.",
            "The Opposition met; the Opposition wrote its platform; the Opposition was expelled.",
        ]
    )
    reading = ReadingFactory(slug="ranked", text=text)
    unit_reading_add(unit=content.unit, reading=reading)
    found = list(paragraph_search(user=school.student, query="opposition", reading=reading))
    assert [p.number for p in found] == [2, 1]
    assert found[0].rank > found[1].rank
