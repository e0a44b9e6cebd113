"""How an evaluation is shown: the terminal table, the failures, the gate verdict, the JSON
file, and the Markdown report with its bar chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.errors import EvalError
from eval.gate import GATED, LATENCIES, RATE_TOLERANCE, Difference, figure
from eval.outcome import FAILURE_KINDS
from eval.results import EvalResult, Failure

SHOWN = (
    "retrieval.hit@1",
    "retrieval.hit@3",
    "retrieval.hit@5",
    "retrieval.hit@10",
    "retrieval.mrr@10",
    "answer.accuracy",
    "answer.mean_words",
    "answer.short_exact",
    "citations.valid",
    "citations.supporting",
    "refusal.unanswerable_refused",
    "refusal.answerable_refused",
    "latency_ms.p50",
    "latency_ms.p95",
    "conversation.first_accuracy",
    "conversation.followup_accuracy",
    "conversation.followup_refused",
)
Row = tuple[str, str, str, str, str]  # metric, value, baseline, limit, gate status
TOLERANCE = (
    f"rates may be {RATE_TOLERANCE} worse (absolute); answer.mean_words and latency are "
    "reported, not gated (speed is measured by `make bench`)"
)


@dataclass(frozen=True)
class Context:
    """What was evaluated."""

    qa: Path
    corpus: Path
    k: int
    articles: int
    gated: bool  # the default Q&A file over the default corpus, which has a baseline
    updating: bool = False  # --update-baseline: this run becomes the baseline


def shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _number(metric: str, value: float | None) -> str:
    if value is None:
        return "-"
    return (
        f"{value:.1f}" if metric in LATENCIES or metric.endswith("mean_words") else f"{value:.4f}"
    )


def _rows(
    result: EvalResult, differences: Sequence[Difference], baseline: dict[str, Any] | None
) -> list[Row]:
    by_metric = {d.metric: d for d in differences}
    rows = []
    for metric in SHOWN:
        if metric.startswith("conversation.") and figure(result.summary, metric) is None:
            continue  # a file without dialogues
        diff = by_metric.get(metric)
        limit = "-"
        if diff is not None:
            sign = ">=" if diff.limit <= diff.baseline else "<="
            limit = f"{sign} {_number(metric, diff.limit)}"
        status = "" if diff is None else ("WORSE" if diff.regressed else "ok")
        then = _number(metric, figure(baseline, metric) if baseline else None)
        value = _number(metric, figure(result.summary, metric))
        rows.append((metric, value, then, limit, status))
    return rows


def table(
    result: EvalResult,
    differences: Sequence[Difference],
    baseline: dict[str, Any] | None,
    context: Context,
) -> str:
    """The compact terminal table of every figure, with the baseline when there is one."""
    s = result.summary
    head = (
        f"newsqa eval: {s['questions']} questions ({s['answerable']} answerable, "
        f"{s['unanswerable']} unanswerable) over {context.articles} articles, k={context.k}\n"
        + (
            f"  and {s['conversation']['dialogues']} dialogues ({s['conversation']['turns']} "
            f"turns, {s['conversation']['unanswerable_followups']} unanswerable follow-ups)\n"
            if "conversation" in s
            else ""
        )
        + f"  qa {shown_path(context.qa)}, corpus {shown_path(context.corpus)}"
    )
    lines = [head, f"{'metric':<30}{'value':>10}{'baseline':>10}{'limit':>12}"]
    for metric, value, then, limit, status in _rows(result, differences, baseline):
        lines.append(f"{metric:<30}{value:>10}{then:>10}{limit:>12}  {status}".rstrip())
    for name, count, rate in breakdown(s):
        lines.append(f"{name:<30}{rate:>10.4f}{'':>10}{count:>12}".rstrip())
    return "\n".join(lines)


def breakdown(summary: dict[str, Any]) -> list[tuple[str, int, float]]:
    """(row, count, rate): accuracy per confidence label over the answered questions, and
    the share passed per follow-up kind (``followup`` of the Q&A lines)."""
    rows = [
        (f"label {label} (answers)", f["answers"], f["accuracy"])
        for label, f in summary.get("confidence_labels", {}).items()
    ]
    for kind, f in summary.get("conversation", {}).get("by_followup", {}).items():
        rows.append((f"followup {kind} (turns)", f["turns"], f["passed"]))
    return rows


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def failures_text(failures: Sequence[Failure]) -> str:
    """The failed questions, grouped by kind."""
    if not failures:
        return "failures: none"
    lines = [f"failures: {len(failures)}"]
    for kind in FAILURE_KINDS:
        group = [f for f in failures if f.kind == kind]
        if group:
            lines.append(f"  {kind.replace('_', ' ')} ({len(group)})")
        for f in group:
            expected = " | ".join(f.expected) or "a refusal"
            lines.append(f"    [{f.id}] {_clip(f.question)}")
            lines.append(f"        got: {_clip(f.got)}")
            lines.append(f"        expected: {_clip(expected)}")
    return "\n".join(lines)


def gate_text(differences: Sequence[Difference], gated: bool, updating: bool = False) -> str:
    """The gate's verdict, with the difference of every figure that is worse than allowed."""
    if updating:
        return "gate: not applied; this run's figures were written to eval/baseline.json"
    if not gated:
        return (
            "gate: not applied (eval/baseline.json holds figures for eval/qa.jsonl over seeds/ "
            "only; there is no baseline for this Q&A file and corpus)"
        )
    worse = [d for d in differences if d.regressed]
    if not worse:
        return f"gate: passed, {len(differences)} figures within tolerance ({TOLERANCE})"
    lines = [f"gate: FAILED, {len(worse)} figure(s) worse than eval/baseline.json allows:"]
    for d in worse:
        lines.append(
            f"  {d.metric}: {_number(d.metric, d.baseline)} -> {_number(d.metric, d.current)} "
            f"({d.delta:+.4g}; limit {_number(d.metric, d.limit)})"
        )
    lines.append(f"  ({TOLERANCE}; accept with `newsqa eval --update-baseline`)")
    return "\n".join(lines)


def write_json(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot write {path}: {exc}") from exc


def write_chart(path: Path, summary: dict[str, Any], baseline: dict[str, Any] | None) -> None:
    """Bar chart (Agg backend) of the gated figures, each next to its baseline when there is one."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5))
    FigureCanvasAgg(fig)
    rates, latency = fig.subplots(1, 2, gridspec_kw={"width_ratios": [4, 1]})
    for axes, metrics in ((rates, [m for m in GATED if m not in LATENCIES]), (latency, LATENCIES)):
        xs = range(len(metrics))
        width = 0.4 if baseline else 0.8
        now = [figure(summary, m) or 0.0 for m in metrics]
        axes.bar([x - (width / 2 if baseline else 0) for x in xs], now, width, label="this run")
        if baseline:
            then = [figure(baseline, m) or 0.0 for m in metrics]
            axes.bar([x + width / 2 for x in xs], then, width, label="baseline")
        axes.set_xticks(list(xs), [m.split(".")[1] for m in metrics], rotation=45, ha="right")
    rates.set_ylim(0, 1.05)
    rates.set_title("rates")
    latency.set_title("latency (ms)")
    fig.legend(*rates.get_legend_handles_labels(), loc="upper left", ncols=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _markdown_figures(
    result: EvalResult, differences: Sequence[Difference], baseline: dict[str, Any] | None
) -> list[str]:
    lines = ["| metric | value | baseline | limit | gate |", "|---|---:|---:|---:|---|"]
    for metric, value, then, limit, status in _rows(result, differences, baseline):
        lines.append(f"| {metric} | {value} | {then} | {limit} | {status or '-'} |")
    lines += ["", "| question kind | questions | passed |", "|---|---:|---:|"]
    for kind, figures in result.summary.get("by_kind", {}).items():
        lines.append(f"| {kind} | {figures['questions']} | {figures['passed']:.4f} |")
    lines += ["", "| confidence label / follow-up kind | count | accuracy / passed |"]
    lines += ["|---|---:|---:|"]
    lines += [
        f"| {name} | {count} | {rate:.4f} |" for name, count, rate in breakdown(result.summary)
    ]
    return lines


def _markdown_failures(failures: Sequence[Failure]) -> list[str]:
    lines = ["## Failures", ""]
    if not failures:
        return [*lines, "None."]
    for kind in FAILURE_KINDS:
        group = [f for f in failures if f.kind == kind]
        if group:
            lines += ["", f"### {kind} ({len(group)})", ""]
        for f in group:
            expected = " / ".join(f"`{a}`" for a in f.expected) or "a refusal"
            lines.append(f"- **{f.id}**: {_clip(f.question)}  ")
            lines.append(f"  got: {_clip(f.got, 300)}  ")
            lines.append(f"  expected: {expected}")
    return lines


def write_markdown(
    path: Path,
    result: EvalResult,
    differences: Sequence[Difference],
    baseline: dict[str, Any] | None,
    context: Context,
) -> None:
    """The Markdown report and, beside it, its chart (same name, .png)."""
    chart = path.with_suffix(".png")
    s = result.summary
    lines = [
        "# newsqa evaluation",
        "",
        f"{s['questions']} questions ({s['answerable']} answerable, {s['unanswerable']} "
        f"unanswerable) from `{shown_path(context.qa)}` over {context.articles} articles in "
        f"`{shown_path(context.corpus)}`, a fresh temporary index, k={context.k}.",
        "",
        *_markdown_figures(result, differences, baseline),
        "",
        f"![figures next to the baseline]({chart.name})",
        "",
        *_markdown_failures(result.failures),
        "",
        "## Gate",
        "",
        gate_text(differences, context.gated, context.updating),
        "",
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_chart(chart, s, baseline)
        path.write_text("\n".join(lines), encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"cannot write the report {path}: {exc}") from exc
