# settei — build, test, demo and benchmark entry points.
#
#   make demo   start moto, seed a misconfigured demo account, scan it live, print
#               findings by guideline category and write out/demo-report.json
#   make demo-offline  the same report from the bundled sample snapshot
#   make test   formatting, lints, every test (what CI runs through .ci/run)
#   make bench  evaluation over a generated 100,000-resource snapshot; live demo scan time and memory
#   make docs   regenerate docs/rules.md, docs/categories.md, docs/kinds.md, docs/snapshot.schema.json

# One target directory outside the clone, shared between clones and runs.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/settei-target
CARGO ?= cargo
# Keep builds within the machine: two cores.
export CARGO_BUILD_JOBS ?= 2

DEMO_SNAPSHOT := fixtures/snapshots/demo-aws.json
OUT := out

# The AWS API emulator (moto, server mode) lives in a project virtualenv.
# Pinned: tests assert moto 5.2's answers (see docs/testing.md).
VENV := .venv
PYTHON ?= python3
MOTO_PIN := moto[server]==5.2.5
export SETTEI_PYTHON ?= $(abspath $(VENV))/bin/python

.PHONY: all build venv demo demo-offline test fmt-check lint unit docs docs-check bench clean

all: build

build:
	$(CARGO) build --locked --bin settei

# Live: moto on loopback, seeded with the misconfigured demo account, scanned
# through the AWS SDK; writes $(OUT)/demo-report.json.
demo: build venv
	scripts/demo-aws.sh $(CARGO_TARGET_DIR)/debug/settei $(SETTEI_PYTHON) $(OUT)

# Offline: the bundled sample snapshot, no emulator.
demo-offline: build
	@mkdir -p $(OUT)
	$(CARGO_TARGET_DIR)/debug/settei scan --snapshot $(DEMO_SNAPSHOT)
	$(CARGO_TARGET_DIR)/debug/settei scan --snapshot $(DEMO_SNAPSHOT) --format json -o $(OUT)/demo-offline-report.json
	@echo "JSON report: $(OUT)/demo-offline-report.json"

test: fmt-check lint unit

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

unit: venv
	$(CARGO) test --locked --workspace

# Installed once; the stamp is refreshed when the pin changes.
venv: $(VENV)/.moto-stamp

$(VENV)/.moto-stamp: Makefile
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check '$(MOTO_PIN)'
	@touch $@

docs:
	$(CARGO) xtask docs

docs-check:
	$(CARGO) xtask docs --check

# Evaluation over a generated 100,000-resource snapshot, then a live scan of
# the demo account on moto (release build; wall time and peak memory).
bench: venv
	$(CARGO) run --locked --release --quiet --package xtask -- bench --resources 100000
	$(CARGO) build --locked --release --bin settei
	scripts/demo-aws.sh --measure 5 $(CARGO_TARGET_DIR)/release/settei $(SETTEI_PYTHON) $(OUT)

clean:
	rm -rf $(OUT) $(VENV)
