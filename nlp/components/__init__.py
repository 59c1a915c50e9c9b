"""filmbuzz's spaCy components; importing this module registers their factories and extensions."""

from __future__ import annotations

from spacy.tokens import Doc

EXTENSIONS = {
    "buzz_lang": None,
    "buzz_mentions": None,
    "buzz_about": None,
    "buzz_sentiment": None,
    "buzz_aspects": None,
    "buzz_intents": None,
    "buzz_country": None,
}
for _name, _default in EXTENSIONS.items():
    Doc.set_extension(_name, default=_default, force=True)

TEXT = "buzz_text"


def text_of(doc: Doc) -> str:
    """The doc's text, built once: `Doc.text` joins every token again on each call."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return str(text)


# Context a caller may put in doc.user_data before the pipeline runs.
DECLARED_LANG = "buzz_declared_lang"
CONTEXT_FILMS = "buzz_context_films"
SOURCE = "buzz_source"
RATING = "buzz_rating"
