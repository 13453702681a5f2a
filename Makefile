# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PY := .venv/bin/python
DEMO_DATA ?= data/demo
DEMO_OUT ?= outputs/demo

.PHONY: setup demo test
setup:
	bash tools/setup_env.sh cpu,test

demo: setup
	$(PY) tools/demo.py --data-root $(DEMO_DATA) --out $(DEMO_OUT)

test: setup
	$(PY) -m pytest -q
