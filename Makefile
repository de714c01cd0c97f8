# The book's commands. Each target sets up what it needs: the virtual environment (.venv) with
# requirements.txt and labfns in editable mode, and MNIST under data/ (from ../shared/data when present).
#
#   make book      build the HTML book into _build/html/index.html (the first build also trains the
#                  Draw a digit page's network, about half a minute: _ext/draw_weights.py)
#   make test      build the book (as make book) and its other edition (student or instructor, _config.yml's
#                  `edition:`) into _build/<edition>/, then ruff + unit tests + re-execute every notebook and
#                  compare its outputs (nbval) + the built site in headless Chromium (tests/test_site_browser.py),
#                  axe-core's WCAG 2.1 A/AA rules on every page (tests/test_accessibility.py) and the GitHub
#                  workflows linted (tests/test_workflow.py); then every notebook again on a second numeric
#                  path: other CPU kernels, one thread (scripts/second_numeric_path.py)
#   make execute   re-execute every notebook in place (after changing labfns or a chapter), then rewrite
#                  their reader copies in notebooks/ (scripts/reader_copies.py: what Colab opens)
#   make bench     the speed benchmarks (README, Performance): each chapter's seconds, the whole book's
#   make seeds     train the seed studies again (186 networks, ~40 min on 2 cores) and rewrite
#                  labfns/seed_studies.json, then chapter 17's (20 networks) into labfns/cnn_study.json
#                  (scripts/seed_studies.py; an interrupted run goes on where it stopped)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   := data/MNIST/raw/train-images-idx3-ubyte

.PHONY: book other-edition test execute bench seeds data clean

# The edition _config.yml does not choose: make test builds it too (_ext/edition.py), into _build/<edition>/.
OTHER  = $(shell $(PY) -c "import sys; sys.path.insert(0, '_ext'); import edition; print(edition.other('.'))")

$(STAMP): requirements.txt pyproject.toml scripts/setup_system.sh
	bash scripts/setup_system.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

data: $(STAMP)
	$(PY) scripts/seed_data.py

book: $(STAMP) data
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

other-edition: $(STAMP) data book
	BOOK_EDITION=$(OTHER) $(VENV)/bin/jupyter-book build . -W -n --keep-going --path-output _build/$(OTHER)

test: $(STAMP) data book other-edition
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest
	$(PY) scripts/second_numeric_path.py

execute: $(STAMP) data
	$(PY) scripts/execute_notebooks.py
	$(PY) scripts/reader_copies.py

bench: $(STAMP) data
	$(PY) benchmarks/bench_cpu.py --notebooks --build

seeds: $(STAMP) data
	$(PY) scripts/seed_studies.py
	$(PY) scripts/seed_studies.py --cnn

clean:
	rm -rf _build
