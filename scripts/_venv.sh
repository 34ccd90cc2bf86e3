# Sourced by scripts/run and scripts/test (argument: the extra, "" or "[test]"): make sure the virtualenv was
# made by the chosen Python, is whole, and holds copbot with exactly the versions in constraints.txt.
# Sets $root and $venv.  PYTHON=/path/to/python3 picks the interpreter (default python3; 3.11 or newer).
# COPBOT_VENV=/path puts the virtualenv elsewhere (default .venv).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${COPBOT_VENV:-$root/.venv}"
extra="${1:-}"
constraints="$root/constraints.txt"
python="${PYTHON:-python3}"

_venv_say() { echo "copbot: $*" >&2; }
_venv_fail() { _venv_say "$*"; exit 1; }

# The oldest Python pyproject.toml accepts.
need="$(sed -n 's/^requires-python *= *">= *\([0-9][0-9.]*\)".*/\1/p' "$root/pyproject.toml")"
need="${need:-3.11}"
# What an interpreter is: its version, implementation and base installation. A virtualenv's python reports the
# base installation of the Python that made it.
probe='import sys; print("%d.%d.%d" % sys.version_info[:3], sys.implementation.name, sys.base_prefix)'

command -v "$python" >/dev/null 2>&1 ||
  _venv_fail "no Python at '$python': install Python $need or newer, or point PYTHON=/path/to/python3 at one"
want="$("$python" -c "$probe" 2>/dev/null)" || want=""
want_version="${want%% *}"
IFS=. read -r have_major have_minor _ <<<"$want_version"
IFS=. read -r need_major need_minor _ <<<"$need"
if ! [[ "$have_major" =~ ^[0-9]+$ && "$have_minor" =~ ^[0-9]+$ ]]; then
  _venv_fail "Python $need or newer is needed; '$python' did not run as a Python 3" \
    "(install Python $need+, or set PYTHON=/path/to/python$need)"
elif ((have_major < need_major || (have_major == need_major && have_minor < need_minor))); then
  _venv_fail "Python $need or newer is needed; $python is Python $want_version" \
    "(install Python $need+, or set PYTHON=/path/to/python$need)"
fi

# One setup at a time per folder: two runs at once must not rebuild a virtualenv under each other.
mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null 2>&1; then
  exec {_venv_lock}<"$(dirname "$venv")"
  flock "$_venv_lock"
fi

name="${venv#"$root"/}"
# What the install stamp records: the files that decide what is installed, and the interpreter.
stamp="$venv/.installed$extra"
expected="$(cat "$root/pyproject.toml" "$constraints" | sha256sum | cut -d' ' -f1) $want"

# Why the virtualenv can't be used as it is (empty: it can).
rebuild=""
if [ -e "$venv" ] || [ -L "$venv" ]; then
  have="$("$venv/bin/python" -c "$probe" 2>/dev/null)" || have=""
  made_by="$(sed -n 's/^version\(_info\)\? *= *\([0-9]*\.[0-9]*\.[0-9]*\).*/\2/p' "$venv/pyvenv.cfg" 2>/dev/null)" || made_by=""
  if [ -z "$have" ]; then
    target="$(readlink "$venv/bin/python" 2>/dev/null || true)"
    rebuild="its python does not run${target:+ ($target)}: made by a Python that is gone, or half-made"
  elif [ "$have" != "$want" ]; then
    rebuild="it was made by Python ${have%% *} at ${have#* * }, not by $python (Python $want_version at ${want#* * })"
  elif [ -n "$made_by" ] && [ "$made_by" != "${have%% *}" ]; then
    rebuild="it was made by Python $made_by (pyvenv.cfg), not Python ${have%% *}"
  elif [ -e "$venv/.installing" ] || ! compgen -G "$venv/.installed*" >/dev/null; then
    rebuild="it is half-made (an interrupted create or install)"
  fi
fi

_venv_install() {
  touch "$venv/.installing"
  local pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
  # pip, setuptools and wheel first, at their pinned versions; then copbot, whose isolated build gets the same
  # pins (pip 26.2+ no longer hands -c or PIP_CONSTRAINT to the build environment: --build-constraint does).
  "${pip[@]}" install -c "$constraints" pip setuptools wheel
  "${pip[@]}" install -c "$constraints" --build-constraint "$constraints" -e "$root$extra"
  echo "$expected" >"$stamp"
  rm -f "$venv/.installing"
}

if [ -n "$rebuild" ] || [ ! -e "$venv" ]; then
  "$python" -c 'import ensurepip' 2>/dev/null ||
    _venv_fail "$python (Python $want_version) cannot make a virtualenv: ensurepip is missing." \
      "On Debian/Ubuntu: apt-get install python$have_major.$have_minor-venv (or python3-venv)"
  if [ -n "$rebuild" ]; then
    # Only ever delete what looks like a virtualenv.
    if [ -e "$venv/pyvenv.cfg" ] || [ -z "$(ls -A "$venv" 2>/dev/null | grep -Ev '^(bin|include|lib|lib64|share|\.installed.*|\.installing)$')" ]; then
      _venv_say "$name: $rebuild; rebuilding it with $python (Python $want_version)"
      rm -rf "$venv"
    else
      _venv_fail "$venv is not a virtualenv; move it away or set COPBOT_VENV=/another/path"
    fi
  else
    _venv_say "setting up $name with $python (Python $want_version) from constraints.txt"
  fi
  "$python" -m venv "$venv"
  _venv_install
elif [ "$(cat "$stamp" 2>/dev/null)" != "$expected" ]; then
  if [ -e "$stamp" ]; then
    _venv_say "$name: pyproject.toml or constraints.txt changed; reinstalling copbot$extra from constraints.txt"
  else
    _venv_say "$name: installing copbot$extra from constraints.txt"
  fi
  _venv_install
fi

if [ -n "${_venv_lock:-}" ]; then exec {_venv_lock}<&-; fi
