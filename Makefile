# The whole set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test bench install clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[server,test]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[server,test,bench]'
	touch $(BENCH_STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf .demo
	$(BIN)/replenish validate examples/coalition
	$(BIN)/replenish load examples/coalition --db .demo/replenish.db --replace
	$(BIN)/replenish stock --db .demo/replenish.db
	$(BIN)/replenish plan examples/coalition --out .demo/plan
	$(BIN)/replenish explain .demo/plan
	$(BIN)/replenish sustainment .demo/plan
	$(BIN)/replenish compare examples/coalition --out .demo/compare
	$(BIN)/replenish sweep examples/coalition --runs 20 --out .demo/sweep --plan .demo/plan
	@token=$$($(BIN)/replenish user create demo-coordinator --role coordinator \
	  --db .demo/replenish.db | tail -n 1) && \
	echo "Serving the demo store at http://127.0.0.1:8000 (OpenAPI at /docs; Ctrl-C stops it)." && \
	echo "Pages at http://127.0.0.1:8000/pages: sign in as demo-coordinator with the token" && \
	echo "  $$token" && \
	echo "Try: curl -H 'Authorization: Bearer $$token' http://127.0.0.1:8000/api/v1/stocks/totals"
	$(BIN)/replenish serve --db .demo/replenish.db --plan --sweep .demo/sweep

test: $(STAMP)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py

# The catalogues: extract the marked messages, update each language's .po, compile its .mo
# (both committed; translate what `make messages` leaves empty or fuzzy, then run it again).
LOCALE := src/replenish/locale
messages: $(STAMP)
	$(BIN)/pybabel extract --mapping-file babel.cfg --output-file $(LOCALE)/messages.pot \
	  --project replenish --copyright-holder "replenish" --no-location --sort-output \
	  --keywords N_ --add-comments "Translators:" src/replenish
	$(BIN)/pybabel update --input-file $(LOCALE)/messages.pot --output-dir $(LOCALE) \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --directory $(LOCALE) --statistics

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache
