# Shared set-up for scripts/run and scripts/test (sourced, not run).
# Creates .venv with Python 3.11+ and installs the project into it when pyproject.toml changed.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

is_root() { [ "$(id -u)" = "0" ]; }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# ensure_venv [EXTRA]: the project, with an optional extra such as "test".
ensure_venv() {
  local extras="${1:-}"
  local python
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python) || { echo "Python 3.11 or newer is needed (apt-get install python3)." >&2; exit 1; }
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      if is_root && command -v apt-get >/dev/null; then
        echo "Installing Debian's python3-venv…"
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        "$python" -m venv .venv
      else
        echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2
        exit 1
      fi
    fi
  fi
  local stamp=".venv/.installed-${extras:-app}"
  local wanted
  wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "Installing Python packages into .venv…"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    echo "$wanted" > "$stamp"
  fi
}
