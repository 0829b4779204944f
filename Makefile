# settei — build, test, demo and benchmark entry points.
#
#   make demo   start moto, seed a misconfigured demo account, scan it live, print
#               findings by guideline category and write out/demo-report.json; then the
#               same for two Azure subscriptions on the local ARM/Graph server
#               (out/demo-azure-{dev,prod}-*)
#   make demo-offline  the same report from the bundled sample snapshot
#   make test   formatting, lints, every test (what CI runs through .ci/run)
#   make bench  evaluation over a generated 100,000-resource snapshot; the HTML report at
#               50,000 findings in headless Chromium; live demo scan time and memory
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

.PHONY: all build venv browser demo demo-offline test fmt-check lint unit docs docs-check bench clean

all: build

build:
	$(CARGO) build --locked --bin settei

# Live: moto on loopback, seeded with the misconfigured demo account, scanned
# through the AWS SDK; writes $(OUT)/demo-report.json. Then Azure: the local
# ARM/Graph server with the demo tenant, scanned through the Azure adapter.
demo: build venv
	scripts/demo-aws.sh $(CARGO_TARGET_DIR)/debug/settei $(SETTEI_PYTHON) $(OUT)
	scripts/demo-azure.sh $(CARGO_TARGET_DIR)/debug/settei $(SETTEI_PYTHON) $(OUT)

# Offline: the bundled sample snapshot, no emulator.
demo-offline: build
	@mkdir -p $(OUT)
	$(CARGO_TARGET_DIR)/debug/settei scan --snapshot $(DEMO_SNAPSHOT)
	$(CARGO_TARGET_DIR)/debug/settei report --snapshot $(DEMO_SNAPSHOT) --format json,html,md,handover \
	  -o $(OUT)/demo-offline-report.json -o $(OUT)/demo-offline-report.html \
	  -o $(OUT)/demo-offline-handover.md -o $(OUT)/demo-offline-handover.html
	@echo "reports: $(OUT)/demo-offline-report.{json,html}, $(OUT)/demo-offline-handover.{md,html}"

test: fmt-check lint unit

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

unit: venv browser
	$(CARGO) test --locked --workspace

# Installed once; the stamp is refreshed when the pin changes.
venv: $(VENV)/.moto-stamp

$(VENV)/.moto-stamp: Makefile
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check '$(MOTO_PIN)'
	@touch $@

# Debian's Chromium and chromedriver for the HTML report tests (and a
# Japanese font so screenshots are legible). Root, or sudo, is needed once.
CHROMEDRIVER ?= /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PKGS := chromium chromium-driver fonts-ipafont-gothic

browser: $(CHROMEDRIVER)

$(CHROMEDRIVER):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PKGS) \
	  || ($(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PKGS))

docs:
	$(CARGO) xtask docs

docs-check:
	$(CARGO) xtask docs --check

# Evaluation over a generated 100,000-resource snapshot; the HTML report over
# 50,000 of its findings (size, render time, load and filter time in headless
# Chromium); then a live scan of the demo account on moto (release build;
# wall time and peak memory).
bench: venv browser
	@mkdir -p $(OUT)
	$(CARGO) run --locked --release --quiet --package xtask -- bench --resources 100000 --html $(OUT)/bench-50k-findings.html \
	  --write-snapshot $(OUT)/bench-100k-snapshot.json
	$(PYTHON) scripts/html_load.py $(OUT)/bench-50k-findings.html --runs 3
	$(CARGO) build --locked --release --bin settei
	@echo "settei scan --snapshot (100,000 resources, read, checked, evaluated, JSON written):"
	$(PYTHON) scripts/measure.py --runs 1 -- $(CARGO_TARGET_DIR)/release/settei scan \
	  --snapshot $(OUT)/bench-100k-snapshot.json --format json -o $(OUT)/bench-100k-report.json
	scripts/demo-aws.sh --measure 5 $(CARGO_TARGET_DIR)/release/settei $(SETTEI_PYTHON) $(OUT)
	scripts/demo-azure.sh --measure 5 $(CARGO_TARGET_DIR)/release/settei $(SETTEI_PYTHON) $(OUT)

clean:
	rm -rf $(OUT) $(VENV)
