# The two commands: `make run` and `make test` (plus `make bench`).
# Everything the project needs is installed from this file and the requirements files.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test bench lint demo browser postgres clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Browser tests drive Debian's chromium; install it when missing and we may.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null; \
	  else \
	    echo "Hinweis: chromium/chromium-driver fehlen und ohne root nicht installierbar; die Browser-Tests schlagen fehl."; \
	  fi; \
	fi

# The store is tested against a real PostgreSQL server: Debian's postgresql (the tests start a
# throwaway cluster on a free local port, see tests/postgres.py).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "Hinweis: PostgreSQL fehlt und ist ohne root nicht installierbar; die PostgreSQL-Tests schlagen fehl."; \
	  fi; \
	fi

# Dashboard on the demo Kreis (or on SOZIALRAUM_DATEN=DIR), bound to localhost.
run: $(VENV)/.runtime browser
	$(VENV)/bin/streamlit run app.py --server.address localhost --server.port $(PORT)

# Three workers on two cores (a browser test often waits for its server and browser): the browser tests run in three
# groups, one per worker, by the servers they use (tests/browser/conftest.py).
test: $(VENV)/.dev browser postgres
	$(PY) -m pytest tests -n 3 --dist loadgroup

bench: $(VENV)/.dev
	$(PY) -m pytest benchmarks -s --benchmark-columns=min,mean,max,rounds

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check sozialraum_analytics pages tests benchmarks app.py ui

# Regenerate the synthetic demo Kreis in data/ (deterministic, fixed seed).
demo: $(VENV)/.runtime
	$(PY) -m sozialraum_analytics demo --out data

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks
