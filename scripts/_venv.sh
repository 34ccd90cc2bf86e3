# Sourced by scripts/run and scripts/test (argument: the extra, "" or "[test]"): make sure .venv exists and holds
# copbot with exactly the versions in constraints.txt. Sets $root and $venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${COPBOT_VENV:-$root/.venv}"
extra="${1:-}"
constraints="$root/constraints.txt"
stamp="$venv/.installed$extra"
# The stamp records what decides the install, so a change to either file reinstalls.
expected="$(cat "$root/pyproject.toml" "$constraints" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$expected" ]; then
  echo "copbot: installing copbot$extra into ${venv#"$root"/} from constraints.txt" >&2
  pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
  # pip, setuptools and wheel first, at their pinned versions; then copbot, whose isolated build gets the same
  # pins (pip 26.2+ no longer hands -c or PIP_CONSTRAINT to the build environment: --build-constraint does).
  "${pip[@]}" install -c "$constraints" pip setuptools wheel
  "${pip[@]}" install -c "$constraints" --build-constraint "$constraints" -e "$root$extra"
  echo "$expected" >"$stamp"
fi
