# Shared set-up for scripts/: find Python 3.11+, create .venv, install the project.
# Sourced, not executed. Re-installs only when pyproject.toml changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
      command -v "$candidate"; return 0
    fi
  done
  echo "civicline needs Python 3.11 or newer on PATH" >&2
  return 1
}

ensure_venv() {
  local extras="${1:-}"
  if [ ! -x "$VENV/bin/python" ]; then
    local python; python="$(find_python)"
    echo "==> creating $VENV with $python" >&2
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  local stamp="$VENV/.installed${extras:+-$extras}"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    echo "==> installing civicline${extras:+[$extras]} into .venv" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -e "$ROOT${extras:+[$extras]}"
    touch "$stamp"
  fi
}

apt_install() {
  # Debian packages for the test set-up; needs root (CI and dev machines here run as root).
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ ! -f /tmp/.civicline-apt-updated ]; then
    $sudo apt-get update -qq >&2 && touch /tmp/.civicline-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}
