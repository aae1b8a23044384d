#!/usr/bin/env bash
# Installs the Debian packages the test layers need, only those that are missing.
# Safe to re-run. Needs root (CI and the dev machines run as root).
set -euo pipefail

want=(nginx apache2 apache2-utils curl chromium neovim ripgrep libkrb5-dev pkg-config)
bins=(nginx apache2 htpasswd curl chromium nvim rg krb5-config pkg-config)
missing=()
for i in "${!want[@]}"; do
  command -v "${bins[$i]}" >/dev/null 2>&1 || [ -x "/usr/sbin/${bins[$i]}" ] || missing+=("${want[$i]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: every package present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing ${missing[*]} and not root; install them with apt-get" >&2
  exit 1
fi
# Package services must not start: our tests start nginx/apache2 themselves on 127.0.0.1.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1
fi
echo "setup-system: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
echo "setup-system: done"
