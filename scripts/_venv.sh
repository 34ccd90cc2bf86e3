# Sourced by scripts/run and scripts/test: make sure .venv exists and has copbot installed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${COPBOT_VENV:-$root/.venv}"
extra="${1:-}"
stamp="$venv/.installed$extra"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root$extra"
  touch "$stamp"
fi
