"""`make train`: fit the sentence ranker, the confidence model and the short answer's model
on rtqa-dev and rtqa-train (2023 and 2025).

    .venv/bin/python -m train.train [--corpus DIR] [--qa FILE] [--train DIR] [--data DIR]
                                   [--articles N] [--train-articles N] [--folds 5]

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
import sys
from pathlib import Path

from index.offline import configure_offline

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEV = DATA / "rtqa-dev"
YEARS = ("2023", "2025")
MODELS = ROOT / "assistant" / "models"
ARTICLES = 1200  # the whole corpus takes over an hour to embed on 2 shared cores


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m train.train", description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, default=DEV / "articles")
    p.add_argument("--qa", type=Path, default=DEV / "qa.jsonl")
    p.add_argument("--data", type=Path, default=ROOT / ".data" / "rtqa-dev")
    p.add_argument(
        "--train",
        type=Path,
        help="rtqa-train (its 2023/ and 2025/ folders, e.g. ../shared/data/rtqa-train): also "
        "learn from it and choose the threshold leave-one-corpus-out (eval/README.md); "
        "without it rtqa-dev alone, as the committed models were trained",
    )
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
    return p.parse_args(argv)


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
    from assistant.retrieval import Scope
    from train.collect import answer_articles, collect_case, load_cases, save_cases

    store, corpus, raws, names, report = open_subset(articles, qa, data, limit)
    from assistant.answer.features import FEATURES_VERSION, SENTENCE_FEATURES
    from assistant.retrieval import BM25_WEIGHT, CANDIDATES, Fusion

    key = f"{limit}-w{BM25_WEIGHT}-n{CANDIDATES}-f{len(SENTENCE_FEATURES)}"
    key += f"-v{FEATURES_VERSION}" + ("-win" if Fusion().windows else "")
    cache = data / f"cases-{key}.json"
    if cache.exists() and not report.changed:
        return load_cases(cache)
    texts: dict[str, str] = {}
    cases = []
    from tqdm import tqdm

    for raw in tqdm(raws, desc=f"asking ({name})", unit="question"):
        cases.append(collect_case(store, raw, corpus, Scope(), False))
        if raw.get("answers"):
            gone = answer_articles(corpus, raw["answers"], names, texts)
            cases.append(collect_case(store, raw, corpus, Scope(exclude=frozenset(gone)), True))
    for case in cases:
        case.corpus = name
    save_cases(cache, cases)
    return cases


def open_subset(articles: Path, qa: Path, data: Path, limit: int) -> tuple:
    """A labelled corpus's subset (``train.collect.dev_subset``) indexed in ``data``
    (incrementally): the store, the subset's folder, the questions whose answer article is
    in it, its article names and the ingest report."""
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings
    from train.collect import dev_subset, subset_name

    raws = [json.loads(line) for line in qa.read_text("utf-8").splitlines() if line.strip()]
    corpus = data / subset_name(raws, limit)
    names = dev_subset(articles, raws, limit, corpus)
    have = set(names)
    raws = [r for r in raws if not r.get("answers") or r.get("doc") in have]
    settings = Settings(data_dir=data, corpus_dir=corpus, chroma_url=None)
    store = open_store(settings, create=True)
    report = ingest(corpus, store)
    print(f"indexed {corpus}: {report.summary()}", file=sys.stderr)
    return store, corpus, raws, names, report


def _seed_cases(args: argparse.Namespace) -> list:
    """eval/dev.jsonl over seeds/ (the tuning split of the project's own set; first turns
    and standalone questions only): a second kind of corpus, five articles on one story,
    so that the confidence and its threshold are not fitted to one corpus's redundancy.
    eval/qa.jsonl is never read."""
    from assistant.retrieval import Scope
    from index.factory import open_store
    from index.ingest import ingest
    from index.settings import Settings
    from train.collect import answer_articles, collect_case

    corpus = ROOT / "seeds"
    settings = Settings(data_dir=args.data / "seeds", corpus_dir=corpus, chroma_url=None)
    store = open_store(settings, create=True)
    ingest(corpus, store, bar=False)
    names = sorted(store.articles())
    texts: dict[str, str] = {}
    cases = []
    for line in (ROOT / "eval" / "dev.jsonl").read_text("utf-8").splitlines():
        raw = json.loads(line) if line.strip() else None
        if raw is None or int(raw.get("turn") or 1) > 1:
            continue
        cases.append(collect_case(store, raw, corpus, Scope(), False))
        if raw.get("answers"):
            gone = answer_articles(corpus, raw["answers"], names, texts)
            cases.append(collect_case(store, raw, corpus, Scope(exclude=frozenset(gone)), True))
    for case in cases:
        case.corpus = "seeds"
    return cases


def _travelling(cases: list, figures: dict) -> tuple:
    """With rtqa-train: the threshold leave-one-corpus-out, the ranker validated from
    rtqa-train on rtqa-dev, and the models fitted as ``train.leave_one_out.fit_travelling`` says."""
    from train.leave_one_out import fit_travelling, leave_one_out, validate_ranker

    figures["leave_one_out"] = leave_one_out(cases)
    figures["ranker_train_to_dev"] = validate_ranker(cases)
    print(json.dumps({k: figures[k] for k in ("leave_one_out", "ranker_train_to_dev")}, indent=1))
    return fit_travelling(cases, figures["leave_one_out"]["quantile"])


def main(argv: list[str] | None = None) -> int:
    configure_offline()
    args = _args(argv)
    if not args.corpus.is_dir() or not args.qa.is_file():
        print(
            f"train.train: the dev set is missing: expected {args.corpus} and {args.qa} "
            "(../shared/data/rtqa-dev beside the checkout)",
            file=sys.stderr,
        )
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
