#!/usr/bin/env bash
# The one test entry, for developers and CI alike: a venv with the project and
# its test tools, then lint (ruff), types (mypy strict on generator/), the layer
# contracts (import-linter) and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
.venv/bin/ruff check generator tests bench docs/hooks
.venv/bin/ruff format --check generator tests bench docs/hooks
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
