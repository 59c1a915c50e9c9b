"""The labelled corpora in `../shared/data/sentiment/` and their fixed train / val / test splits.

Splits, identical on every machine and every run:
- `imdb_en`: the official train / test split; val = 5% of train chosen by a hash of the text;
- `tweets_en`: the file's own train / val / test (test = SemEval-2017 Task 4A test);
- `allocine_fr_train`: test = the `dev` rows plus 15% of the others, val = another 10%, by a
  hash of the text (so duplicates never straddle two splits);
- `pt_train`: test 15%, val 10%, by the same hash;
- `film_posts_<lang>`: our own labelled film posts (`nlp/training/film_posts/`, shipped with the
  project, genres per post): val 15% by the same hash, the rest train. Their test set is the
  dev set (`nlp/eval/dev/`), written separately.
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
FILM_POSTS = "film_posts_"
FILM_POSTS_DIR = Path(str(files("nlp.training") / "film_posts"))
CORPORA = {
    "en": ("imdb_en", "tweets_en", "film_posts_en"),
    "fr": ("allocine_fr_train", "film_posts_fr"),
    "pt": ("pt_train", "film_posts_pt"),
    "es": ("film_posts_es",),
}
CORPUS_LANG = {corpus: lang for lang, corpora in CORPORA.items() for corpus in corpora}
TEST_SETS = {
    "imdb_en": "en",
    "tweets_en": "en",
    "allocine_fr_train": "fr",
    "pt_train": "pt",
}
_BREAKS = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # neg | neu | pos
    corpus: str
    split: str  # train | val | test
    genres: frozenset[str] = frozenset()  # of the film the text is about, where known

    @property
    def lang(self) -> str:
        return CORPUS_LANG[self.corpus]


def hashed_split(text: str, test: int = 15, val: int = 10) -> str:
    """'test' for `test`% of texts, 'val' for the next `val`%, else 'train', by CRC-32."""
    bucket = zlib.crc32(text.encode("utf-8")) % 100
    return "test" if bucket < test else "val" if bucket < test + val else "train"


def split_of(corpus: str, text: str, declared: str) -> str:
    if corpus == "tweets_en":
        return declared
    if corpus == "imdb_en":
        return "test" if declared == "test" else hashed_split(text, 0, 5)
    if corpus == "allocine_fr_train" and declared == "dev":
        return "test"
    if corpus.startswith(FILM_POSTS):
        return hashed_split(text, 0, 15)
    return hashed_split(text)


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
        column = header.index("split")
        for number, line in enumerate(handle, start=2):
            yield _example(path, number, line.rstrip("\n").split("\t"), corpus, column)


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


def _example(path: Path, number: int, cells: list[str], corpus: str, column: int) -> Example:
    if len(cells) <= column or cells[0] not in LABELS:
        raise DataError(f"{path}, line {number}: expected a label in {LABELS} and a split")
    text = _BREAKS.sub(" ", cells[1]).strip()
    return Example(text, cells[0], corpus, split_of(corpus, text, cells[column]))


def examples(folder: Path, lang: str, split: str) -> list[Example]:
    """All examples of one language and split, in file order."""
    return [e for c in CORPORA.get(lang, ()) for e in read_corpus(folder, c) if e.split == split]


def test_examples(folder: Path, corpus: str) -> list[Example]:
    return [e for e in read_corpus(folder, corpus) if e.split == "test"]
