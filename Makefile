# symcheck: two commands set everything up on a fresh machine.
#   make run    set up if needed, train if needed, start the whole stack, print the URLs
#   make test   set up if needed, train if needed, run the whole test suite
.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help setup browser train run test test-fast lint format bench clean

help:
	@echo "make run     start Rasa, the action server and the gateway (sets up and trains if needed)"
	@echo "make test    run the whole test suite (sets up and trains if needed)"
	@echo "make train   train the Rasa model and the condition classifier if their inputs changed"
	@echo "make lint    ruff"
	@echo "make bench   turn latency and memory benchmark"

setup:
	@scripts/setup.sh

browser:
	@scripts/ensure-chromium.sh

train: setup
	@scripts/train.sh

run: train
	@.venv/bin/symcheck run

test: train browser
	@scripts/test.sh

lint: setup
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: setup
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench: train
	@.venv/bin/python -m benchmarks.turn_latency

clean:
	rm -rf models var .pytest_cache .ruff_cache
