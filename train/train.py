"""`make train`: fit the sentence ranker, the confidence model and the short answer's model
on rtqa-dev and rtqa-train (2023 and 2025).

    .venv/bin/python -m train.train [--data-root DIR] [--corpus DIR] [--qa FILE] [--train [DIR]]
                                   [--data DIR] [--articles N] [--train-articles N] [--folds 5]

The labelled sets are read from the data root: ``--data-root``, else ``$NEWSQA_DATA_ROOT``,
else ../shared/data beside the checkout (rtqa-dev/ and, with ``--train``, rtqa-train/).

Indexes each corpus's subset (incrementally, under .data/), asks every question (and every
answerable one again with its answer articles out of scope), then:
- cross-validates the models with folds grouped by quiz week (no week is trained and
  tested together) and prints the figures next to the hand-set weights';
- chooses the refusal threshold leave-one-corpus-out (``train.leave_one_out``): for each of
  rtqa-train 2023, rtqa-train 2025 and rtqa-dev, calibrated on the others and measured on
  it, every held-out false-refusal rate within 5%;
- validates rankers fitted on rtqa-train alone on rtqa-dev;
- fits the models on everything and writes assistant/models/{ranker,confidence,phrase}.json.

Deterministic: no random state (Newton's method from zero; folds by sorted week).
eval/qa.jsonl is never read here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
BESIDE = ROOT.parent / "shared" / "data"  # the data root when neither option nor env var says
DATA_ROOT_ENV = "NEWSQA_DATA_ROOT"
YEARS = ("2023", "2025")
MODELS = ROOT / "assistant" / "models"
ARTICLES = 1200  # the whole corpus takes over an hour to embed on 2 shared cores


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m train.train", description=__doc__.split("\n")[0])
    p.add_argument(
        "--data-root",
        type=Path,
        default=Path(os.environ.get(DATA_ROOT_ENV) or BESIDE),
        help=f"the folder holding rtqa-dev/ and rtqa-train/ (default: ${DATA_ROOT_ENV}, else "
        "../shared/data beside the checkout)",
    )
    p.add_argument("--corpus", type=Path, help="default: DATA_ROOT/rtqa-dev/articles")
    p.add_argument("--qa", type=Path, help="default: DATA_ROOT/rtqa-dev/qa.jsonl")
    p.add_argument("--data", type=Path, default=ROOT / ".data" / "rtqa-dev")
    p.add_argument(
        "--train",
        type=Path,
        nargs="?",
        const=True,  # no folder given: DATA_ROOT/rtqa-train
        help="rtqa-train (its 2023/ and 2025/ folders; default DATA_ROOT/rtqa-train): also "
        "learn from it and choose the threshold leave-one-corpus-out (eval/README.md); "
        "without it rtqa-dev alone, as the committed models were trained",
    )
    _subset_arguments(p)
    args = p.parse_args(argv)
    args.corpus = args.corpus or args.data_root / "rtqa-dev" / "articles"
    args.qa = args.qa or args.data_root / "rtqa-dev" / "qa.jsonl"
    if args.train is True:
        args.train = args.data_root / "rtqa-train"
    return args


def _subset_arguments(p: argparse.ArgumentParser) -> None:
    """How much of each corpus is indexed, the folds, and where the results go."""
    p.add_argument(
        "--train-articles",
        type=int,
        default=-1,
        help="articles of each rtqa-train year to index (default -1: those that support a "
        "question; 0: all)",
    )
    p.add_argument("--folds", type=int, default=5)
    p.add_argument(
        "--articles",
        type=int,
        default=ARTICLES,
        help=f"index every article that supports a question, then others in name order, "
        f"this many in all (default {ARTICLES}; 0: the whole corpus)",
    )
    p.add_argument("--out", type=Path, default=MODELS)
    p.add_argument("--figures", type=Path, default=ROOT / "train" / "out" / "train.json")


def _collect(args: argparse.Namespace) -> list:
    """rtqa-dev's cases, then each rtqa-train year's (when there), then the seeds' dev
    split; each case knows its corpus."""
    cases = _collect_set("rtqa-dev", args.corpus, args.qa, args.data, args.articles)
    for year in YEARS if args.train else ():
        folder = args.train / year
        if (folder / "qa.jsonl").is_file():
            data = args.data.parent / f"rtqa-train-{year}"
            cases += _collect_set(
                f"rtqa-train-{year}",
                folder / "articles",
                folder / "qa.jsonl",
                data,
                args.train_articles,
            )
    return cases + _seed_cases(args)


def _collect_set(name: str, articles: Path, qa: Path, data: Path, limit: int) -> list:
    """One labelled corpus's cases: its subset indexed in ``data`` (incrementally), every
    question asked, and every answerable one again with its answer articles out of scope;
    cached by feature version."""
    from assistant.answer.features import FEATURES_VERSION, SENTENCE_FEATURES
    from assistant.retrieval import BM25_WEIGHT, CANDIDATES, Fusion
    from train.collect import load_cases, save_cases

    store, corpus, raws, names, report = open_subset(articles, qa, data, limit, name)
    key = f"{limit}-w{BM25_WEIGHT}-n{CANDIDATES}-f{len(SENTENCE_FEATURES)}"
    key += f"-v{FEATURES_VERSION}" + ("-win" if Fusion().windows else "")
    cache = data / f"cases-{key}.json"
    if cache.exists() and not report.changed:
        return load_cases(cache)
    cases = _ask_all(store, raws, corpus, names, name, progress=True)
    save_cases(cache, cases)
    return cases


def open_subset(
    articles: Path, qa: Path, data: Path, limit: int, name: str = "rtqa-train"
) -> tuple:
    """A labelled corpus's subset (``train.collect.dev_subset``) indexed in ``data``
    (incrementally): the store, the subset's folder, the questions it can answer for, its
    article names and the ingest report."""
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    raws, names, corpus = _subset(name, articles, qa, data, limit)
    settings = Settings(data_dir=data, corpus_dir=corpus, chroma_url=None)
    store = open_store(settings, create=True)
    report = ingest(corpus, store)
    print(f"indexed {corpus}: {report.summary()}", file=sys.stderr)
    return store, corpus, raws, names, report


def _subset(name: str, articles: Path, qa: Path, data: Path, limit: int) -> tuple:
    """(the questions kept, the subset's article names, its folder): the subset copied into
    ``data``; the questions whose supporting articles it leaves out skipped and counted."""
    from train.collect import askable, dev_subset, subset_name

    raws = [json.loads(line) for line in qa.read_text("utf-8").splitlines() if line.strip()]
    corpus = data / subset_name(raws, limit)
    names = dev_subset(articles, raws, limit, corpus)
    kept = askable(raws, set(names))
    if len(kept) < len(raws):
        print(
            f"{name}: skipped {len(raws) - len(kept)} of {len(raws)} questions whose "
            f"supporting articles are not all among the {len(names)} indexed (--articles)",
            file=sys.stderr,
        )
    return kept, names, corpus


def _ask_all(store, raws: list, corpus: Path, names: list, name: str, progress: bool) -> list:
    """Every question asked, and every answerable one again with the articles holding one
    of its answers out of scope; each case knows its corpus ``name``."""
    from tqdm import tqdm

    from assistant.retrieval import Scope
    from train.collect import answer_articles, collect_case

    texts: dict[str, str] = {}
    cases = []
    asking = tqdm(raws, desc=f"asking ({name})", unit="question") if progress else raws
    for raw in asking:
        cases.append(collect_case(store, raw, corpus, Scope(), False))
        if raw.get("answers"):
            gone = answer_articles(corpus, raw["answers"], names, texts)
            cases.append(collect_case(store, raw, corpus, Scope(exclude=frozenset(gone)), True))
    for case in cases:
        case.corpus = name
    return cases


def _seed_cases(args: argparse.Namespace) -> list:
    """eval/dev.jsonl over seeds/ (the tuning split of the project's own set; first turns
    and standalone questions only): a second kind of corpus, five articles on one story,
    so that the confidence and its threshold are not fitted to one corpus's redundancy.
    eval/qa.jsonl is never read."""
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings

    corpus = ROOT / "seeds"
    settings = Settings(data_dir=args.data / "seeds", corpus_dir=corpus, chroma_url=None)
    store = open_store(settings, create=True)
    ingest(corpus, store, bar=False)
    lines = (ROOT / "eval" / "dev.jsonl").read_text("utf-8").splitlines()
    raws = [json.loads(line) for line in lines if line.strip()]
    raws = [r for r in raws if int(r.get("turn") or 1) <= 1]
    return _ask_all(store, raws, corpus, sorted(store.articles()), "seeds", progress=False)


def _travelling(cases: list, figures: dict) -> tuple:
    """With rtqa-train: the threshold leave-one-corpus-out, the ranker validated from
    rtqa-train on rtqa-dev, and the models fitted as ``train.leave_one_out.fit_travelling`` says."""
    from train.leave_one_out import fit_travelling, leave_one_out, validate_ranker

    figures["leave_one_out"] = leave_one_out(cases)
    figures["ranker_train_to_dev"] = validate_ranker(cases)
    print(json.dumps({k: figures[k] for k in ("leave_one_out", "ranker_train_to_dev")}, indent=1))
    return fit_travelling(cases, figures["leave_one_out"]["quantile"])


def _missing(args: argparse.Namespace) -> str | None:
    """What the options name that is not there, as one line; None when all is."""
    hint = f" (the data root: --data-root or ${DATA_ROOT_ENV})"
    if not args.corpus.is_dir() or not args.qa.is_file():
        why = hint if args.qa.is_relative_to(args.data_root) else ""
        return f"the dev set is missing: expected {args.corpus} and {args.qa}{why}"
    if args.train and not any((args.train / y / "qa.jsonl").is_file() for y in YEARS):
        why = hint if args.train.is_relative_to(args.data_root) else ""
        wanted = " or ".join(str(args.train / y / "qa.jsonl") for y in YEARS)
        return f"rtqa-train is missing: expected {wanted}{why}"
    return None


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    args = _args(argv)
    missing = _missing(args)
    if missing:
        print(f"train.train: {missing}", file=sys.stderr)
        return 2
    from train.fit import cross_validate, fit_final, print_figures

    cases = _collect(args)
    figures = cross_validate(cases, args.folds)
    print_figures(figures)
    if args.train:
        ranker, confidence, phrase = _travelling(cases, figures)
    else:
        ranker, confidence, phrase = fit_final(cases, figures["refusal_quantile"])
    args.out.mkdir(parents=True, exist_ok=True)
    for name, model in (("ranker", ranker), ("confidence", confidence), ("phrase", phrase)):
        path = args.out / f"{name}.json"
        path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    args.figures.parent.mkdir(parents=True, exist_ok=True)
    args.figures.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
