"""The labelled corpora in `../shared/data/sentiment/` and their fixed splits.

Real text written by people about films comes first: `film_real_en` (Letterboxd reviews),
`film_real_fr` (Allociné viewer reviews), `film_real_es` (muchocine reviews and TASS tweets),
each labelled by its author's own stars. Then the general corpora (tweets, IMDB, Allociné,
Portuguese), and our own invented film posts (`nlp/training/film_posts/`), a minority that
teaches film vocabulary, not the register.

Splits, identical on every machine and every run:
- `film_real_*`: the file's `val` split is reported, never used for a choice; its `train`
  split is cut by a hash of the text into `calib` (20%: the calibration's offsets per kind of
  text) and `train` (the rest);
- `tweets_en`: the file's own train / val / test (test = SemEval-2017 Task 4A test, reported;
  val: calibration of social posts);
- `imdb_en`: the official train / test split; val = 5% of train chosen by a hash of the text;
- `allocine_fr_train`: test = the `dev` rows plus 15% of the others, val = another 10%;
- `pt_train`: test 15%, val 10%, by the same hash;
- `film_posts_<lang>`: val 15% by the same hash, the rest train; their test set is the dev
  set (`nlp/eval/dev/`), written separately.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from nlp.errors import DataError

LABELS = ("neg", "neu", "pos")
KINDS = ("review", "social", "news")
FILM_POSTS = "film_posts_"
FILM_POSTS_DIR = Path(str(files("nlp.training") / "film_posts"))
_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Corpus:
    name: str
    lang: str
    kind: str  # review | social | news: the kind of text most of its rows are
    reported: str | None  # the split `filmbuzz eval` reports, None for our own posts
    real: bool = False  # people writing about films, labelled by their own stars


CORPORA = (
    Corpus("film_real_en", "en", "review", "val", real=True),
    Corpus("tweets_en", "en", "social", "test"),
    Corpus("imdb_en", "en", "review", "test"),
    Corpus("film_posts_en", "en", "social", None),
    Corpus("film_real_fr", "fr", "review", "val", real=True),
    Corpus("allocine_fr_train", "fr", "review", "test"),
    Corpus("film_posts_fr", "fr", "social", None),
    Corpus("film_real_es", "es", "review", "val", real=True),
    Corpus("film_posts_es", "es", "social", None),
    Corpus("pt_train", "pt", "social", "test"),
    Corpus("film_posts_pt", "pt", "social", None),
)
BY_NAME = {c.name: c for c in CORPORA}
LANGUAGES = tuple(dict.fromkeys(c.lang for c in CORPORA))


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # neg | neu | pos
    corpus: str
    split: str  # train | calib | val | test
    genres: frozenset[str] = frozenset()  # of the film the text is about, where known
    kind: str = "social"

    @property
    def lang(self) -> str:
        return BY_NAME[self.corpus].lang


def hashed_split(text: str, test: int = 15, val: int = 10) -> str:
    """'test' for `test`% of texts, 'val' for the next `val`%, else 'train', by CRC-32."""
    bucket = zlib.crc32(text.encode("utf-8")) % 100
    return "test" if bucket < test else "val" if bucket < test + val else "train"


def split_of(corpus: str, text: str, declared: str) -> str:
    if corpus.startswith("film_real_"):
        return "calib" if declared == "train" and hashed_split(text, 20, 0) == "test" else declared
    if corpus == "tweets_en":
        return declared
    if corpus == "imdb_en":
        return "test" if declared == "test" else hashed_split(text, 0, 5)
    if corpus == "allocine_fr_train" and declared == "dev":
        return "test"
    if corpus.startswith(FILM_POSTS):
        return hashed_split(text, 0, 15)
    return hashed_split(text)


def kind_of(corpus: str, source: str) -> str:
    """The kind of one row: TASS tweets inside the Spanish film set are social posts."""
    return "social" if source.startswith("tass") else BY_NAME[corpus].kind


def read_corpus(folder: Path, corpus: str) -> Iterator[Example]:
    """Every row of `<folder>/<corpus>.tsv.gz` (our film posts: the shipped JSON Lines) with its
    split; a bad row names file and line."""
    if corpus.startswith(FILM_POSTS):
        yield from read_film_posts(FILM_POSTS_DIR / f"{corpus.removeprefix(FILM_POSTS)}.jsonl")
        return
    path = folder / f"{corpus}.tsv.gz"
    if not path.is_file():
        raise DataError(f"{path}: corpus not found; pass the folder with --data")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header[:2] != ["label", "text"] or "split" not in header:
            raise DataError(f"{path}: expected a header 'label, text, …, split', got {header}")
        columns = (header.index("split"), header.index("source") if "source" in header else None)
        for number, line in enumerate(handle, start=2):
            yield _example(path, number, line.rstrip("\n").split("\t"), corpus, columns)


def read_film_posts(path: Path) -> Iterator[Example]:
    """Our own labelled posts: JSON Lines with `text`, `sentiment` and `genres`."""
    corpus = FILM_POSTS + path.stem
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                row = json.loads(line)
                text, label, genres = row["text"], row["sentiment"], row["genres"]
            except (ValueError, KeyError, TypeError) as exc:
                raise DataError(f"{path}, line {number}: not a labelled post ({exc})") from None
            if label not in LABELS:
                raise DataError(f"{path}, line {number}: sentiment {label!r} not in {LABELS}")
            genres = frozenset(g.lower() for g in genres)
            yield Example(text, label, corpus, split_of(corpus, text, ""), genres)


def _example(
    path: Path, number: int, cells: list[str], corpus: str, columns: tuple[int, int | None]
) -> Example:
    split, source = columns
    if len(cells) <= split or cells[0] not in LABELS:
        raise DataError(f"{path}, line {number}: expected a label in {LABELS} and a split")
    text = _BREAKS.sub(" ", cells[1]).strip()
    kind = kind_of(corpus, cells[source] if source is not None and len(cells) > source else "")
    return Example(text, cells[0], corpus, split_of(corpus, text, cells[split]), kind=kind)


def corpora_of(lang: str) -> list[Corpus]:
    return [c for c in CORPORA if c.lang == lang]


def examples(folder: Path, lang: str, split: str) -> list[Example]:
    """All examples of one language and split, in file order."""
    return [e for c in corpora_of(lang) for e in read_corpus(folder, c.name) if e.split == split]


def tuning_examples(folder: Path, lang: str) -> list[Example]:
    """What choices are made on: the `calib` part of the real film sets, the `val` split of
    the others; never a split that `filmbuzz eval` reports."""
    return [
        e
        for c in corpora_of(lang)
        for e in read_corpus(folder, c.name)
        if e.split == ("calib" if c.real else "val") and e.split != c.reported
    ]


def reported_examples(folder: Path, corpus: str) -> list[Example]:
    """The split of `corpus` that `filmbuzz eval` reports (never trained or tuned on)."""
    split = BY_NAME[corpus].reported
    return [e for e in read_corpus(folder, corpus) if e.split == split]
