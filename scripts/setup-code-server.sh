#!/usr/bin/env bash
# Installs code-server (VS Code for the browser, with a Node extension host) for the editor
# test layer into .vscode-test/code-server/: a folder with its own package.json, outside the
# extension's dependency tree. Cached: does nothing when that version is already installed
# and its native modules are in place. Only the npm registry is used (see
# /work/shared/docs/real-editor.md for why each workaround below is needed).
#
#   scripts/setup-code-server.sh            install if needed, then prove it starts
#   STATUSLENS_CODE_SERVER_DIR=/x scripts/setup-code-server.sh   install elsewhere
#
# The editor tests find it at .vscode-test/code-server/node_modules/.bin/code-server.
set -euo pipefail

VERSION=4.100.3 # = VS Code 1.100.3; later 4.10x need Node 22+
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${STATUSLENS_CODE_SERVER_DIR:-$ROOT/.vscode-test/code-server}
PKG=$DIR/node_modules/code-server
BIN=$DIR/node_modules/.bin/code-server
STAMP=$DIR/.installed-version
# Scratch state for every run of code-server in this script (config, logs, TMPDIR): never $HOME.
SCRATCH=$DIR/.scratch

say() { echo "setup-code-server: $*"; }
die() { echo "setup-code-server: ERROR: $*" >&2; exit 1; }

# The files that exist only when every install script really ran.
native_ok() {
  local vs=$PKG/lib/vscode
  [ -x "$BIN" ] &&
    [ -f "$vs/node_modules/node-pty/build/Release/pty.node" ] &&
    [ -f "$vs/node_modules/kerberos/build/Release/kerberos.node" ] &&
    [ -f "$vs/node_modules/@vscode/spdlog/build/Release/spdlog.node" ] &&
    [ -x "$vs/node_modules/@vscode/ripgrep/bin/rg" ] &&
    [ -e "$vs/node_modules.asar" ]
}

with_scratch_env() {
  mkdir -p "$SCRATCH/config" "$SCRATCH/data" "$SCRATCH/cache" "$SCRATCH/tmp"
  XDG_CONFIG_HOME=$SCRATCH/config XDG_DATA_HOME=$SCRATCH/data XDG_CACHE_HOME=$SCRATCH/cache TMPDIR=$SCRATCH/tmp "$@"
}

installed_version() {
  # "4.100.3 <commit> with Code 1.100.3"
  with_scratch_env "$BIN" --version 2>/dev/null | awk '/ with Code / {print $1; exit}'
}

# Starts code-server on a free loopback port, waits for /healthz, stops it by process group.
smoke_start() {
  local port pid pgid ok=0 log=$SCRATCH/smoke.log
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  mkdir -p "$SCRATCH/smoke-ud" "$SCRATCH/smoke-ext"
  # A plain background command: bash forks, the child (not a group leader: no job control in a
  # script) execs env, then setsid, which makes it a new session and process group, then node.
  env XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache" TMPDIR="$SCRATCH/tmp" \
    setsid "$BIN" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
    --disable-workspace-trust --user-data-dir "$SCRATCH/smoke-ud" --extensions-dir "$SCRATCH/smoke-ext" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do
    pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
    [ "$pgid" = "$pid" ] && break
    sleep 0.05
  done
  [ "$pgid" = "$pid" ] || { kill "$pid" 2>/dev/null || true; die "code-server did not start in its own process group (pid $pid, pgid ${pgid:-none})"; }
  trap 'kill -- -'"$pgid"' 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  # The workbench page itself must render (it is what the tests open).
  if [ $ok = 1 ] && ! curl -fsSL "http://127.0.0.1:$port/" | grep -q 'workbench'; then ok=0; fi
  kill -- "-$pgid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  trap - EXIT
  if [ $ok != 1 ]; then
    cat "$log" >&2
    die "code-server $VERSION was installed but did not answer on 127.0.0.1:$port (log above)"
  fi
  say "code-server $(installed_version) answered on 127.0.0.1:$port and was stopped"
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$VERSION" ] && native_ok && [ "$(installed_version)" = "$VERSION" ]; then
  say "code-server $VERSION already installed in ${DIR#"$ROOT"/} (cached)"
  [ "${1-}" = "--verify" ] && smoke_start
  exit 0
fi

# Prerequisites: each missing one would fail deep inside the install with an obscure message.
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || die "code-server $VERSION needs Node 20 (its postinstall refuses others); this is Node $(node -v)"
for tool in rg krb5-config pkg-config curl setsid; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing: run scripts/setup-system.sh (Debian: ripgrep, libkrb5-dev, pkg-config, curl)"
done

say "installing code-server@$VERSION into ${DIR#"$ROOT"/}"
start=$(date +%s)
rm -rf "$DIR"
mkdir -p "$DIR" "$SCRATCH/tmp"
# Install scripts: code-server cannot work without them (its postinstall runs `npm install` in
# lib/vscode/, which builds node-pty, kerberos, spdlog, ... with node-gyp). npm 11.19 still runs
# install scripts that no allowScripts policy covers (it only warns "not yet covered by
# allowScripts"); a later npm will block them. So the two top-level packages with scripts are
# approved by name in this folder's package.json (the project-scoped way: `--allow-scripts` and
# npm_config_allow_scripts are refused in project-scoped installs with EALLOWSCRIPTS, and npm
# passes its config on to the nested `npm install` of the postinstall as npm_config_* variables,
# so an allow-scripts/strict-allow-scripts setting would break that nested install). The nested
# installs in lib/vscode/ have their own package.json without a policy; if a future npm skips
# their scripts, native_ok below fails with a clear message instead of a half-working editor.
cat >"$DIR/package.json" <<'EOF'
{
  "name": "statuslens-code-server",
  "private": true,
  "description": "code-server for the StatusLens editor tests; installed by scripts/setup-code-server.sh, not part of the extension",
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF

# 3. @vscode/ripgrep downloads rg from GitHub at postinstall unless its cache in $TMPDIR has
#    the archive: seed it with Debian's rg (the file name is what @vscode/ripgrep 1.15.11 asks for).
export TMPDIR=$SCRATCH/tmp
RG_CACHE=$TMPDIR/vscode-ripgrep-cache-1.15.11
mkdir -p "$RG_CACHE"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg

# 1. code-server's postinstall refuses root unless npm_config_unsafe_perm=true (npm 11 has no flag).
export npm_config_unsafe_perm=true
# 4. node-pty's build runs `npx node-gyp`; the machine's npmrc says yes=false.
export npm_config_yes=true
# 2. kerberos needs the krb5 headers: checked above (libkrb5-dev + pkg-config from setup-system.sh).

log=$DIR/install.log
if ! (cd "$DIR" && npm install --no-audit --no-fund --no-update-notifier "code-server@$VERSION") >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  die "npm install code-server@$VERSION failed (full log: $log)"
fi
if ! native_ok; then
  tail -n 60 "$log" >&2
  die "npm finished but code-server's native modules are missing: its install scripts did not run (log: $log)"
fi
got=$(installed_version)
[ "$got" = "$VERSION" ] || die "installed code-server reports version '$got', expected $VERSION"
echo "$VERSION" >"$STAMP"
say "installed code-server $VERSION in $(($(date +%s) - start)) s ($(du -sm "$DIR" | cut -f1) MB)"
smoke_start
