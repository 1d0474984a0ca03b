#!/usr/bin/env bash
# Set up everything this project needs on a Debian machine, then build the site.
#   bash scripts/setup.sh            install (if needed) and build site/
#   bash scripts/setup.sh --no-build install only
#   bash scripts/setup.sh --no-build --tests   also what the tests need (Chromium, axe-core)
set -euo pipefail
cd "$(dirname "$0")/.."

# axe-core, which the browser tests inject to check WCAG A and AA (npm registry; only its
# axe.min.js is kept, in .venv/, never node_modules).
AXE_CORE_VERSION=4.11.0

build=1
[ "${1:-}" = "--no-build" ] && build=0
tests=0
if [ "${2:-}" = "--tests" ] || [ "${1:-}" = "--tests" ]; then
  tests=1
fi

# Debian packages: Apertium and its Spanish-English pair (the offline translation engine);
# with --tests also Chromium, which the browser tests drive, and npm, which fetches axe-core.
# Installed only when missing.
need=()
command -v apertium >/dev/null 2>&1 || need+=(apertium)
[ -f /usr/share/apertium/modes/spa-eng.mode ] || need+=(apertium-eng-spa)
if [ "$tests" -eq 1 ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "setup: please install as root: apt-get install ${need[*]}" >&2
      exit 1
    }
    sudo="sudo"
  fi
  echo "setup: installing ${need[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Python packages, pinned in pyproject.toml, in a virtual environment of the project's own.
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

axe=.venv/share/axe-core-$AXE_CORE_VERSION/axe.min.js
if [ "$tests" -eq 1 ] && [ ! -f "$axe" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "axe-core@$AXE_CORE_VERSION" >/dev/null)
  tar -xzf "$tmp/axe-core-$AXE_CORE_VERSION.tgz" -C "$tmp" package/axe.min.js
  mkdir -p "$(dirname "$axe")"
  mv "$tmp/package/axe.min.js" "$axe"
  rm -rf "$tmp"
fi

if [ "$build" -eq 1 ]; then
  # The briefings plugin translates seeds/ into site_src/briefings/ before MkDocs builds.
  # Strict: a seed that cannot be read fails the command, after every other page is built.
  if NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict; then
    echo "setup: the site is in site/ (preview it with: .venv/bin/mkdocs serve)" >&2
  elif [ -f site/index.html ]; then
    echo "setup: everything is installed, and site/ has the pages of every seed that could be" \
      "read; fix the files named above (file:line: message), then run: .venv/bin/mkdocs build" >&2
    exit 1
  else
    echo "setup: everything is installed, but the site could not be built (see above)" >&2
    exit 1
  fi
fi
