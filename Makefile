# Two commands do all set-up on a fresh machine with Python 3.11+ and make:
#   make book   build the HTML book (creates .venv if missing)
#   make test   lint, the whole test suite, then a strict book build (warnings fail)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book test lint pytest book-strict bench clean install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build book
	@echo "Book: $(CURDIR)/book/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check model tests benchmarks data/scripts

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

book-strict: $(STAMP)
	$(BIN)/jupyter-book build book --warningiserror --keep-going
	@echo "Book: $(CURDIR)/book/_build/html/index.html"

test: lint pytest book-strict

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_single_period.py
	$(BIN)/python benchmarks/bench_multi_period.py

clean:
	rm -rf book/_build
