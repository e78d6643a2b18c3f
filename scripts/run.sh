#!/usr/bin/env bash
# The main job: installs what is needed, builds (release), starts gatewayd with the embedded
# default config on a private socket and state directory, and walks through a short scripted use
# with gatewayctl. On a terminal the daemon then keeps running until Ctrl-C; otherwise it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh release gatewayd gatewayctl
bin=build/release
run_dir="${GW_RUN_DIR:-$PWD/.run}"
mkdir -p "$run_dir" && chmod 0700 "$run_dir"
export XDG_RUNTIME_DIR="$run_dir/runtime" XDG_STATE_HOME="$run_dir/state"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME" && chmod 0700 "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME"
sock="$XDG_RUNTIME_DIR/gatewayd/gatewayd.sock"

"$bin/daemon/gatewayd" --check-config
"$bin/daemon/gatewayd" > "$run_dir/gatewayd.out" 2> "$run_dir/gatewayd.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "gatewayd ready" "$run_dir/gatewayd.out" 2>/dev/null && break
  sleep 0.1
done
grep -q "gatewayd ready" "$run_dir/gatewayd.out" || { cat "$run_dir/gatewayd.log"; exit 1; }

ctl() { echo "\$ gatewayctl $*"; "$bin/cli/gatewayctl" "$@" || echo "(exit $?)"; echo; }
echo "== gatewayd is up (socket $sock, log $run_dir/gatewayd.log) =="
ctl status
ctl models
ctl explain "Summarise this paragraph in one sentence."
ctl chat "Hello! What can you do?"
ctl consent list
ctl budget show
if [ -t 0 ] && [ -z "${CI:-}" ]; then
  echo "gatewayd keeps running: try '$bin/cli/gatewayctl status'. Ctrl-C stops it."
  wait $pid
else
  kill -TERM $pid
  wait $pid && echo "gatewayd stopped cleanly (exit 0)"
fi
trap - EXIT
echo "== the audit log of this session, verified offline =="
ctl audit tail "$XDG_STATE_HOME/gatewayd/audit" -n 5
ctl audit verify "$XDG_STATE_HOME/gatewayd/audit"
