"""The contextual reader: all-MiniLM-L6-v2 fine-tuned for post sentiment, run by ONNX Runtime.

A bag of n-grams cannot read "I wanted to love it" or most irony; a small transformer can.
It costs about a hundred times the linear model per post, so the sentiment component asks it
only about the posts the linear model is unsure of (see `nlp.components.sentiment`). The
weights ship in the package (`nlp/models/contextual/`: an int8-quantised ONNX graph and its
tokenizer), so nothing is fetched at run time and torch is not needed to run it; the model
card says how they were trained (`filmbuzz train-contextual`).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import numpy as np

from nlp.errors import ModelError
from nlp.model import MODEL_DIR

CONTEXTUAL_DIR = MODEL_DIR / "contextual"
MAX_TOKENS = 128  # a post's first 128 word pieces: its opening carries the verdict
BATCH = 32
LABEL_ORDER = ("neg", "neu", "pos")


class ContextualReader:
    """Probabilities (neg, neu, pos) of texts, batched by length to waste little padding."""

    def __init__(self, folder: Path = CONTEXTUAL_DIR, threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads or 1
            options.inter_op_num_threads = 1
            self.session = onnxruntime.InferenceSession(
                str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"{folder}: cannot load the contextual reader ({exc})") from None
        self.languages = frozenset(meta["languages"])
        self.meta = meta
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """One row (neg, neu, pos) per text, in order."""
        found = np.zeros((len(texts), 3), dtype=np.float32)
        if not texts:
            return found
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, index in enumerate(chunk):
                piece = encodings[index].ids
                ids[row, : len(piece)] = piece
                mask[row, : len(piece)] = 1
            (logits,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            found[chunk] = _softmax(logits)
        return found

    def log_probabilities(self, texts: list[str]) -> list[tuple[float, float, float]]:
        """log P(neg, neu, pos) of each text: what the calibration layer blends."""
        found = np.log(np.clip(self.probabilities(texts), 1e-9, 1.0))
        return [(float(a), float(b), float(c)) for a, b, c in found]


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@cache
def load_reader(folder: Path = CONTEXTUAL_DIR) -> ContextualReader | None:
    """The shipped reader, or None when the package has none (or FILMBUZZ_CONTEXTUAL=0)."""
    if os.environ.get("FILMBUZZ_CONTEXTUAL", "1") == "0" or not (folder / "model.onnx").exists():
        return None
    return ContextualReader(folder, threads=int(os.environ.get("FILMBUZZ_CONTEXTUAL_THREADS", 1)))
