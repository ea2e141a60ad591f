#!/bin/sh
# casebook-bench eventlog with the Python `eventsourcing` library beside it, in the same run:
# the same events, the same transaction sizes, phases interleaved round by round; it prints
# Casebook's rates, the peer's, and the ratios (docs/BENCHMARKS.md, "Beside eventsourcing").
#
#   Benchmarks/peer/run.sh [casebook-bench eventlog options…]
#
# Needs a release build (swift build -c release) and a Python with the pinned requirement.
# PYTHON names it; by default a venv in .build/peer-venv, made here on first use (which
# downloads eventsourcing from PyPI):
#   python3 -m venv .build/peer-venv
#   .build/peer-venv/bin/pip install -r Benchmarks/peer/requirements.txt
set -eu
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.build/peer-venv/bin/python}"
if [ ! -x "$PYTHON" ]; then
    echo "Making $PYTHON: python3 -m venv .build/peer-venv; pip install -r Benchmarks/peer/requirements.txt" >&2
    python3 -m venv .build/peer-venv
    .build/peer-venv/bin/pip install --quiet -r Benchmarks/peer/requirements.txt
    PYTHON=.build/peer-venv/bin/python
fi
if [ ! -x .build/release/casebook-bench ]; then
    echo "No .build/release/casebook-bench: run 'swift build -c release' first" >&2
    exit 1
fi
exec .build/release/casebook-bench eventlog --peer "$PYTHON" "$@"
