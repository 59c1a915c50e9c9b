"""filmbuzz NLP: a spaCy pipeline of our own components (language, film mentions, sentiment, cues)."""
