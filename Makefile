# Two commands on a fresh clone: `make demo` grades a bundled sample, `make test` runs the tests.
# Both create their own virtualenv in .venv (override with VENV=...).
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE ?= samples/seed-terraform

.PHONY: demo test browser fuzz bench schema docs clean

# `make demo` installs only what grading needs; `make test` adds the test tools, Ray and inspect_ai.
$(VENV)/.base: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed: $(VENV)/.base
	$(PY) -m pip install -q -e ".[test,inspect]"
	touch $@

demo: $(VENV)/.base
	$(VENV)/bin/grader grade $(SAMPLE) --format markdown

test: $(VENV)/.installed
	$(PY) -m pytest

# Headless Chromium for tests/test_view.py (Debian packages; needs root, as on CI).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver)

# Long fuzzing run (docs/reliability.md): FUZZ_EXAMPLES inputs per target (4 targets), random seed.
FUZZ_EXAMPLES ?= 25000
fuzz: $(VENV)/.installed
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/test_fuzz.py -p no:cacheprovider --hypothesis-show-statistics $(FUZZ_ARGS)

bench: $(VENV)/.installed
	$(PY) bench/run.py ../shared/corpus

schema:
	$(PY) tools/build_schema.py

docs: $(VENV)/.installed
	$(PY) tools/gen_docs.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
