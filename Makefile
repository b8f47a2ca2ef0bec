# Two commands do all set-up on a fresh machine with Python 3.11+ and make:
#   make book   build the HTML book, the teacher's edition (creates .venv if missing)
#   make test   lint, the test suite, strict builds of both editions, then the browser tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JB_STRICT := --warningiserror --keep-going
# The student edition (solutions removed) builds into its own folder and reuses the teacher
# build's execution cache, so its notebooks are not run twice.
STUDENT_OUT := book/_build/student
STUDENT_ENV := BOOK_EDITION=student BOOK_EXECUTION_CACHE=$(CURDIR)/book/_build/.jupyter_cache

.PHONY: book book-student test lint pytest book-strict book-student-strict browser-test bench clean install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,test]"
	touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build book
	@echo "Book: $(CURDIR)/book/_build/html/index.html"

book-student: $(STAMP)
	$(STUDENT_ENV) $(BIN)/jupyter-book build book --path-output $(STUDENT_OUT)
	@echo "Student edition: $(CURDIR)/$(STUDENT_OUT)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check model tests benchmarks data/scripts book/_ext

pytest: $(STAMP)
	$(BIN)/python -m pytest -q --ignore=tests/test_browser.py --ignore=tests/test_student_edition.py

book-strict: $(STAMP)
	$(BIN)/jupyter-book build book $(JB_STRICT)
	@echo "Book: $(CURDIR)/book/_build/html/index.html"

book-student-strict: $(STAMP)
	$(STUDENT_ENV) $(BIN)/jupyter-book build book --path-output $(STUDENT_OUT) $(JB_STRICT)
	@echo "Student edition: $(CURDIR)/$(STUDENT_OUT)/_build/html/index.html"

# Every page of both editions in headless Chromium with the network cut off, and the student
# edition's pages and downloads searched for solution text (needs both builds).
browser-test: $(STAMP)
	BOOK_TESTS_REQUIRE_BUILD=1 $(BIN)/python -m pytest -q tests/test_student_edition.py tests/test_browser.py

test: lint pytest book-strict book-student-strict browser-test

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_single_period.py
	$(BIN)/python benchmarks/bench_multi_period.py
	$(BIN)/python benchmarks/bench_sweep.py

clean:
	rm -rf book/_build
