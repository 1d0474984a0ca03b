#!/usr/bin/env bash
# Run every check: lint (ruff), types (mypy) and the tests (pytest). Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-build --tests
export NO_MKDOCS_2_WARNING=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest "$@"
