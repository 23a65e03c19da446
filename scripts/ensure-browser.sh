#!/usr/bin/env bash
# The tear-sheet tests render HTML in Debian's Chromium (driven by playwright-core, which downloads
# nothing) with a CJK font for Chinese product names. Installs them from Debian's packages if missing.
set -eu
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ensure-browser: installing ${missing[*]} (Debian packages)"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
