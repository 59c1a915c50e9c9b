"""The trained sentiment model: features, the shipped weights, ratings, metrics, training, eval."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from nlp.features import Vocabulary, ngrams, normalised, sentences, tokens
from nlp.lexicon import load_lexicon
from nlp.model import LEX_FEATURES, SentimentModel, featurize, load_model
from nlp.ratings import rating_in_text
from nlp.training.data import hashed_split, read_corpus
from nlp.training.metrics import accuracy, macro_f1, micro_prf, set_prf


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Soooo good!!! @someone https://x.org 2023",
            ["soo", "good", "!!!", "@user", "<url>", "<num>"],
        ),
        ("l'innocence, c'est beau", ["l'innocence", ",", "c'est", "beau"]),
        ("love it 😍🔥", ["love", "it", "😍", "🔥"]),
    ],
)
def test_features_tokens_normalise_handles_links_and_repeats(
    text: str, expected: list[str]
) -> None:
    assert tokens(text.lower()) == expected


@pytest.mark.parametrize(
    ("lang", "text", "negated"),
    [
        ("en", "it was not good at all", "!good"),
        ("en", "I didn't like the ending", "!like"),
        ("fr", "je n'ai pas aimé", "!aime"),
        ("pt", "não gostei nada", "!gostei"),
    ],
)
def test_features_mark_words_in_a_negation_scope(lang: str, text: str, negated: str) -> None:
    assert negated in ngrams(text, Vocabulary.of(load_lexicon(lang)))


def test_features_weigh_words_before_a_contrast_less() -> None:
    counts = ngrams("great cast but boring", Vocabulary.of(load_lexicon("en")))
    assert counts["great"] < counts["boring"]


def test_features_are_unit_length_and_leave_genre_praise_to_the_lexicon() -> None:
    lex = load_lexicon("en")
    plain = featurize("disturbing and brilliant", lex)
    horror = featurize("disturbing and brilliant", lex, frozenset({"horror"}))
    assert "disturbing" not in plain and "disturbing" not in horror
    assert "brilliant" in plain and "brilliant" in horror
    assert horror[LEX_FEATURES[0]] > plain[LEX_FEATURES[0]]
    unit = normalised({"a": 2.0, "b": 1.0})
    assert abs(sum(v * v for v in unit.values()) - 1.0) < 1e-9


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("One. Two! Three", [(0, 5), (5, 10), (10, 15)]),
        ("no end", [(0, 6)]),
        ("a\nb", [(0, 2), (2, 3)]),
    ],
)
def test_features_sentences_are_character_spans(text: str, spans: list[tuple[int, int]]) -> None:
    assert sentences(text) == spans


@pytest.mark.parametrize("lang", ["en", "fr", "pt", "xx"])
def test_model_shipped_files_load_and_stay_small(lang: str) -> None:
    model = load_model(lang)
    assert model is not None
    assert model.meta["version"] == 1
    path = Path(__file__).resolve().parents[1] / "nlp" / "models" / f"sentiment-{lang}.npz"
    assert path.stat().st_size < 5_000_000


@pytest.mark.parametrize(
    ("lang", "text", "label"),
    [
        ("en", "An absolute masterpiece, I loved every minute.", "pos"),
        ("en", "Boring, pretentious and far too long.", "neg"),
        ("fr", "Un film magnifique, bouleversant.", "pos"),
        ("fr", "Nul, ennuyeux, une perte de temps.", "neg"),
        ("pt", "Filme lindo, emocionante demais.", "pos"),
        ("pt", "Filme horrível, chato demais.", "neg"),
    ],
)
def test_model_predicts_clear_cases(lang: str, text: str, label: str) -> None:
    model = load_model(lang)
    assert model is not None
    found = model.predict(text, load_lexicon(lang))
    assert found.label == label
    assert -1 <= found.score <= 1


def test_model_round_trips_through_its_file(tmp_path: Path) -> None:
    model = load_model("fr")
    assert model is not None
    model.save(tmp_path / "m.npz")
    again = SentimentModel.load(tmp_path / "m.npz")
    assert again.polarity.weights == model.polarity.weights
    assert again.neutral_threshold == model.neutral_threshold


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("★★★★½ loved it", 4.5),
        ("★★ meh", 2.0),
        ("solid 4/5", 4.0),
        ("8/10 would watch again", 4.0),
        ("12/10 no notes", None),
        ("see you at 9/11 memorial", None),
        ("no rating here", None),
        ("je lui mets 4 étoiles", 4.0),
        ("7 sur 10, pas mal", 3.5),
        ("cuatro estrellas sin dudas", 4.0),
        ("nota: sete de dez", 3.5),
        ("four out of five", 4.0),
        ("dos de cinco", 2.0),
        ("de 5 a 7 en semaine", None),
        ("3 stars", 3.0),
    ],
)
def test_sentiment_reads_a_rating_written_in_the_text(text: str, rating: float | None) -> None:
    assert rating_in_text(text) == rating


def test_metrics_accuracy_macro_f1_and_sets() -> None:
    gold, found = ["pos", "neg", "neu", "pos"], ["pos", "neg", "pos", "pos"]
    assert accuracy(gold, found) == 0.75
    assert round(macro_f1(gold, found), 3) == round((0.8 + 1.0 + 0.0) / 3, 3)
    assert set_prf([{"a"}, set()], [{"a"}, {"a"}], "a").precision == 0.5
    assert micro_prf([{"x", "y"}], [{"x"}]).recall == 0.5


@pytest.mark.parametrize("text", ["a", "some review text", "Un film"])
def test_data_hashed_split_is_stable(text: str) -> None:
    assert hashed_split(text) == hashed_split(text) in {"train", "val", "test"}


def _write_corpus(folder: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    with gzip.open(folder / f"{name}.tsv.gz", "wt", encoding="utf-8") as handle:
        handle.write("label\ttext\tsource\tsplit\n")
        for label, text, split in rows:
            handle.write(f"{label}\t{text}\ttiny\t{split}\n")


def test_data_bad_row_names_file_and_line(tmp_path: Path) -> None:
    _write_corpus(tmp_path, "pt_train", [("pos", "bom", "train"), ("maybe", "hmm", "train")])
    from nlp.errors import DataError

    with pytest.raises(DataError, match=r"pt_train.tsv.gz, line 3"):
        list(read_corpus(tmp_path, "pt_train"))


def test_training_on_tiny_data_writes_a_working_model(tmp_path: Path) -> None:
    from nlp.training.train import Recipe, train_language

    good = ["filme lindo", "adorei muito", "maravilhoso demais", "que filme bom"]
    bad = ["filme horrível", "odiei tudo", "chato demais", "que filme ruim"]
    flat = ["saiu o trailer", "estreia sexta", "passa no cinema", "dura duas horas"]
    rows = [
        (lab, f"{t} {i}", "train")
        for i in range(6)
        for lab, ts in (("pos", good), ("neg", bad), ("neu", flat))
        for t in ts
    ]
    rows += [
        ("pos", "lindo filme", "val"),
        ("neg", "filme chato", "val"),
        ("neu", "trailer novo", "val"),
    ]
    _write_corpus(tmp_path, "pt_train", rows)
    model = train_language(tmp_path, "pt", Recipe(min_count=1, keep=500), lambda _: None)
    model.save(tmp_path / "out" / "sentiment-pt.npz")
    again = SentimentModel.load(tmp_path / "out" / "sentiment-pt.npz")
    assert again.predict("adorei, lindo", load_lexicon("pt")).label == "pos"
    assert again.predict("odiei, horrível", load_lexicon("pt")).label == "neg"


def test_cli_eval_prints_the_dev_set_scores(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    assert main(["eval", "--no-corpora"]) == 0
    printed = capsys.readouterr().out
    for expected in ("Dev set", "accuracy  macro-F1", "where_to_watch", "mentions", "all"):
        assert expected in printed
    targets = printed[printed.index("Targets") :]
    assert "dev set mentions: F1 >= 0.95" in targets and "Letterboxd" not in targets


def test_targets_say_which_are_met() -> None:
    from nlp.eval.corpora import CorpusScore
    from nlp.eval.targets import corpus_checks

    scores = [
        CorpusScore("film_real_en", "en", "val", 300, "3-way", 0.85, 0.61, 0.10, 0.12),
        CorpusScore("film_real_fr", "fr", "val", 100, "3-way", 0.84, 0.70, 0.02, 0.09),
        CorpusScore("tweets_en", "en", "test", 900, "3-way", 0.70, 0.66, 0.40, 0.48),
    ]
    met = {c.target: c.met for c in corpus_checks(scores)}
    assert met == {
        "Letterboxd real val: macro-F1 >= 0.60 with accuracy >= 0.80": True,
        "Allocine real val: accuracy >= 0.85": False,
        "SemEval-2017 test: macro-F1 >= 0.65": True,
        "film_real_en val: share of neu within 5 points of its true share": True,
        "film_real_fr val: share of neu within 5 points of its true share": False,
    }


@pytest.mark.parametrize("command", ["train-sentiment", "eval"])
def test_cli_sentiment_commands_name_a_missing_corpus_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    from pipeline.cli import main

    extra = ["--out", str(tmp_path / "models")] if command == "train-sentiment" else []
    assert main([command, "--data", str(tmp_path / "nowhere"), *extra]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "corpus not found" in err and "Traceback" not in err


@pytest.mark.parametrize(("rating", "ok"), [(4.5, True), (0, True), (7, False), ("five", False)])
def test_cli_analyze_reads_a_star_rating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rating: object, ok: bool
) -> None:
    import json

    from pipeline.cli import main
    from tests.conftest import EXAMPLE

    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Saw it.", "rating": rating}) + "\n")
    argv = ["analyze", "--config", str(EXAMPLE), "--input", str(source), "--output", str(target)]
    assert main(argv) == (0 if ok else 2)
    if ok:
        result = json.loads(target.read_text())
        assert result["sentiment"]["label"] == ("pos" if rating == 4.5 else "neg")
        assert "watched" in result["intents"]
    else:
        assert "field 'rating'" in capsys.readouterr().err


def test_film_posts_ship_with_every_language_and_never_overlap_the_dev_set() -> None:
    from nlp.eval.labelled import read_dev
    from nlp.folding import fold
    from nlp.training.data import FILM_POSTS_DIR, read_film_posts

    dev = {fold(item.post.text) for item in read_dev()}
    for lang in ("en", "fr", "pt", "es"):
        posts = list(read_film_posts(FILM_POSTS_DIR / f"{lang}.jsonl"))
        assert len(posts) >= 800
        assert {p.label for p in posts} == {"pos", "neg", "neu"}
        assert {p.split for p in posts} == {"train", "val"}
        assert len({fold(p.text) for p in posts}) == len(posts)
        assert not dev & {fold(p.text) for p in posts}


def test_a_bad_film_post_names_file_and_line(tmp_path: Path) -> None:
    from nlp.errors import DataError
    from nlp.training.data import read_film_posts

    path = tmp_path / "xx.jsonl"
    path.write_text(
        '{"text": "ok", "sentiment": "pos", "genres": []}\n{"text": "hmm", "genres": []}\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"xx.jsonl, line 2"):
        list(read_film_posts(path))
    path.write_text('{"text": "ok", "sentiment": "great", "genres": []}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"xx.jsonl, line 1: sentiment 'great'"):
        list(read_film_posts(path))
