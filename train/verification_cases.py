"""Measure the LLM-sentence verifier on the hand-written cases in tests/verification_cases.jsonl.

    python -m train.verification_cases            # the sweep of thresholds, then the misses

Each case is an answer sentence, the texts it cites and whether a careful reader would
call it supported. The printed sweep is how ``Rule.threshold`` was chosen (eval/README.md).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.llm.verification import Check, Embed, Rule, check

CASES = Path(__file__).resolve().parent.parent / "tests" / "verification_cases.jsonl"


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def judge(cases: list[dict[str, Any]], embed: Embed, rule: Rule) -> list[Check]:
    return [check(c["sentence"], c["cited"], embed, rule) for c in cases]


def sweep(cases: list[dict[str, Any]], embed: Embed, rule: Rule) -> list[tuple[float, int, int]]:
    """(threshold, cases right, unsupported sentences let through) for thresholds 0.30-0.90."""
    rows = []
    for step in range(30, 91, 2):
        verdicts = judge(cases, embed, replace(rule, threshold=step / 100))
        right = sum(v.supported == c["supported"] for v, c in zip(verdicts, cases, strict=True))
        passed = sum(
            v.supported and not c["supported"] for v, c in zip(verdicts, cases, strict=True)
        )
        rows.append((step / 100, right, passed))
    return rows


def main() -> None:
    from index.embedding import MiniLMEmbedding
    from index.offline import configure_offline

    configure_offline()
    model, cases, rule = MiniLMEmbedding(), load_cases(), Rule()
    print(f"{len(cases)} cases, {sum(c['supported'] for c in cases)} supported")
    print("threshold  right  unsupported kept")
    for threshold, right, passed in sweep(cases, model.embed, rule):
        mark = "  <- Rule.threshold" if abs(threshold - rule.threshold) < 1e-9 else ""
        print(f"{threshold:9.2f}  {right:5d}  {passed:16d}{mark}")
    print(f"\nwith Rule.threshold = {rule.threshold}:")
    for case, v in zip(cases, judge(cases, model.embed, rule), strict=True):
        flag = "ok  " if v.supported == case["supported"] else "MISS"
        print(
            f"{flag} {case['id']} {case['kind']:<32} cov {v.coverage:.2f} sim {v.similarity:.2f} "
            f"{v.reason or 'supported'}"
        )


if __name__ == "__main__":
    main()
