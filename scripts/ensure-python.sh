#!/usr/bin/env bash
# The Python SDK (clients/python) and Python strategies run on Debian's Python 3 with Debian's
# packages — websockets, pytest, numpy, pandas — never from PyPI. Installs the missing ones.
# Prints the interpreter to use (Debian's /usr/bin/python3, not a pyenv shim) on its last line.
set -eu
python=/usr/bin/python3
missing=()
[ -x "$python" ] || missing+=(python3)
for module in websockets:python3-websockets pytest:python3-pytest numpy:python3-numpy pandas:python3-pandas; do
  if ! { [ -x "$python" ] && "$python" -c "import ${module%%:*}" >/dev/null 2>&1; }; then
    missing+=("${module##*:}")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-python: installing ${missing[*]} (Debian packages)" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
echo "$python"
