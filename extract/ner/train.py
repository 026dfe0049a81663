"""Train the project's NER from the public corpora and evaluate it on the held-out parts.

``python -m extract.ner.train --corpora ../shared/corpora --output extract/ner/model`` reproduces the
shipped model (same seed, same config, same data: same weights). See :mod:`extract.ner.corpora` for
the label mapping and the split.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Example

from . import corpora

CONFIG_PATH = Path(__file__).with_name("config.cfg")
DEFAULT_MAX_MINUTES = 28.0
SCORES_FILE = "scores.json"


class TrainingTimeUp(Exception):
    """Raised inside spaCy's training loop when the time budget is spent; the best checkpoint is kept."""


@spacy.registry.callbacks("claimgraph.ner_time_budget.v1")
def create_time_budget(minutes: float):
    """A ``[training.before_update]`` callback stopping training after ``minutes`` of updates.

    A safety net only: the shipped config stops on ``max_steps`` well before it, so that the result
    does not depend on the machine's speed.
    """
    started: list[float] = []

    def check(nlp: Language, args: dict) -> None:
        if not started:
            started.append(time.monotonic())
        elif time.monotonic() - started[0] > minutes * 60:
            raise TrainingTimeUp(f"time budget of {minutes} minutes spent at step {args['step']}")

    return check


def evaluate(nlp: Language, docbin_path: Path, *, batch_size: int = 256) -> dict:
    """Entity P/R/F1, overall and per label, of ``nlp`` on the gold ``DocBin`` at ``docbin_path``."""
    gold = list(DocBin().from_disk(docbin_path).get_docs(nlp.vocab))
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in gold]
    scores = nlp.evaluate(examples, batch_size=batch_size)
    return {
        "docs": len(gold),
        "chars": sum(len(doc.text) for doc in gold),
        "p": scores["ents_p"],
        "r": scores["ents_r"],
        "f": scores["ents_f"],
        "per_type": scores["ents_per_type"],
    }


SOURCES = [
    {
        "name": "CLUENER2020 train (CLUEbenchmark, arXiv:2001.04351)",
        "url": "https://github.com/CLUEbenchmark/CLUENER2020",
        "license": "none stated; research use - cite the paper",
    },
    {
        "name": "People's Daily 1998 NER (example.dev)",
        "url": "https://github.com/OYE93/Chinese-NLP-Corpus",
        "license": "none stated; research use",
    },
]
MODEL_README = """# claimgraph NER model

A spaCy `ner` (labels PERSON, ORG, GPE) on the claimgraph character tokens, trained by
`python -m extract.ner.train` from CLUENER2020 train (90%) and People's Daily 1998 (`example.dev`).
Neither corpus states a licence: research use only; cite CLUENER2020 (arXiv:2001.04351).
Held-out scores: `scores.json`. Label mapping and split: `extract/ner/corpora.py`.
"""


def describe(model_dir: Path) -> None:
    """Name the shipped pipeline, its sources and their licence caveat; clear the training paths."""
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta.update(
        name="claimgraph_ner",
        description="PERSON/ORG/GPE on claimgraph character tokens (CLUENER2020, People's Daily 1998)",
        license="research use only: the training corpora state no licence",
        sources=SOURCES,
    )
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
    config = spacy.util.load_config(model_dir / "config.cfg")
    config["paths"]["train"] = None
    config["paths"]["dev"] = None
    config.to_disk(model_dir / "config.cfg")
    (model_dir / "README.md").write_text(MODEL_README, "utf-8")


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def train_ner(
    corpora_dir: Path,
    output_dir: Path,
    *,
    seed: int = 0,
    max_minutes: float = DEFAULT_MAX_MINUTES,
    max_steps: int | None = None,
    work_dir: Path | None = None,
    overrides: dict | None = None,
) -> dict:
    """Convert the corpora, train the NER, evaluate it on the held-out parts and save it to ``output_dir``.

    ``output_dir`` receives the best checkpoint (what ``spacy.load`` needs, no corpora) and
    ``scores.json``, the dict returned: held-out P/R/F1 per corpus (overall and per label), the
    conversion counts, the training wall time and the model's size. ``work_dir`` keeps the converted
    corpora and checkpoints (a temporary directory when not given). ``max_steps`` overrides the
    config's; ``max_minutes`` stops training early (keeping the best checkpoint) if it is spent;
    ``overrides`` are further config overrides (``{"training.optimizer.learn_rate": 0.002}``).
    """
    from spacy.cli.train import train as spacy_train

    corpora_dir, output_dir = Path(corpora_dir), Path(output_dir)
    with tempfile.TemporaryDirectory(prefix="claimgraph-ner-") as tmp:
        work = Path(work_dir) if work_dir is not None else Path(tmp)
        corpus_dir, training_dir = work / "corpus", work / "training"
        conversion = corpora.convert(corpora_dir, corpus_dir, seed=seed)
        settings = {
            "paths.train": str(corpus_dir / corpora.TRAIN),
            "paths.dev": str(corpus_dir / corpora.DEV),
            "system.seed": seed,
            "training.before_update.minutes": max_minutes,
        }
        if max_steps is not None:
            settings["training.max_steps"] = max_steps
        settings.update(overrides or {})
        started = time.monotonic()
        stopped_early = None
        try:
            spacy_train(CONFIG_PATH, training_dir, use_gpu=-1, overrides=settings)
        except TrainingTimeUp as stop:
            stopped_early = str(stop)
        train_seconds = time.monotonic() - started

        best = training_dir / "model-best"
        nlp = spacy.load(best)
        heldout = {name: evaluate(nlp, corpus_dir / file) for name, file in corpora.HELDOUT.items()}
        if output_dir.exists():
            shutil.rmtree(output_dir)
        shutil.copytree(best, output_dir)
        describe(output_dir)

    scores = {
        "heldout": heldout,
        "dev": {k: nlp.meta.get("performance", {}).get(k) for k in ("ents_p", "ents_r", "ents_f")},
        "train_seconds": round(train_seconds, 1),
        "stopped_early": stopped_early,
        "seed": seed,
        "model_bytes": directory_size(output_dir),
        "conversion": conversion,
    }
    (output_dir / SCORES_FILE).write_text(json.dumps(scores, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract.ner.train", description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, required=True, help="folder with cluener/ and peoples_daily/")
    parser.add_argument("--output", type=Path, required=True, help="where to write the trained pipeline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=DEFAULT_MAX_MINUTES)
    parser.add_argument("--max-steps", type=int, default=None, help="override the config's max_steps")
    parser.add_argument("--work-dir", type=Path, default=None, help="keep converted corpora and checkpoints")
    args = parser.parse_args(argv)
    scores = train_ner(
        args.corpora,
        args.output,
        seed=args.seed,
        max_minutes=args.max_minutes,
        max_steps=args.max_steps,
        work_dir=args.work_dir,
    )
    summary = {name: {k: round(s[k], 4) for k in ("p", "r", "f")} for name, s in scores["heldout"].items()}
    print(json.dumps({"heldout": summary, "train_seconds": scores["train_seconds"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
