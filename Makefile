# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PY := .venv/bin/python

.PHONY: setup demo test
setup:
	bash tools/setup_env.sh cpu,test

demo: setup
	$(PY) tools/demo.py configs/pretrain/demo.py

test: setup
	$(PY) -m pytest -q
