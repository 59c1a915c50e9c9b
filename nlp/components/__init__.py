"""filmbuzz's spaCy components; importing this module registers their extensions (the factories
are registered by `nlp.factories`)."""

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
    "buzz_places": None,
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


OPINION_TEXT = "buzz_opinion_text"
TITLE_CONFIDENCE = 0.5  # a mention this sure counts: the post is about the film, and it is its name


def opinion_text(doc: Doc) -> str:
    """The doc's text with the names of the films it is about blanked out (same offsets).

    A title is not an opinion: 'Monster', 'Past Lives' or 'Red Rooms' carry words a sentiment
    model has weights for, learnt from other posts, and a tracked film's own name would drag
    every post about it the same way.
    """
    masked = doc.user_data.get(OPINION_TEXT)
    if masked is None:
        text = text_of(doc)
        for mention in doc._.buzz_mentions or ():
            if mention.get("confidence", 0.0) >= TITLE_CONFIDENCE:
                start, end = mention["start"], mention["end"]
                text = text[:start] + " " * (end - start) + text[end:]
        masked = doc.user_data[OPINION_TEXT] = text
    return str(masked)


# Context a caller may put in doc.user_data before the pipeline runs.
DECLARED_LANG = "buzz_declared_lang"
CONTEXT_FILMS = "buzz_context_films"
SOURCE = "buzz_source"
RATING = "buzz_rating"
AUTHOR_LOCATION = "buzz_author_location"  # where the source says the author is, free text
