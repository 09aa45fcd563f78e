# Set-up and everyday commands. `make serve` and `make test` install into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

GRPC_PORT ?= 50051
# The CPU build of torch: a bare `torch` would pull a multi-GB CUDA build. With a GPU, install your
# torch first (`make install TORCH=torch`) or into the venv by hand.
TORCH ?= torch==2.13.0

.PHONY: install serve test bench proto demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml proto/reward/v1/reward.proto | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check '$(TORCH)'
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,trainer,trl,ray,data]'
	touch $@

install: $(VENV)/.installed

serve: install
	$(BIN)/python -m service --host $(HOST) --port $(PORT) --grpc-port $(GRPC_PORT)

test: install
	$(BIN)/python -m pytest

proto: install
	$(BIN)/python -m service.protogen

demo: install
	$(BIN)/python -m trainer_client.run --reward-url http://$(HOST):$(PORT)

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info service/rewardpb
