#!/bin/sh
# run_peers.sh - run the preview1 guests under the two peers (wazero's CLI
# and Node's node:wasi) the way the project's tests run them, and print
# every "not ok" line plus each program's summary and exit status.
#
#   sh tools/run_peers.sh [wazero|node]...     (default: both)
#
# Needs ~/go/bin/wazero (go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0)
# and node (20+). Uses a scratch directory under ${TMPDIR:-/tmp}.
set -u
cd "$(dirname "$0")/.."
WAZERO=${WAZERO:-$HOME/go/bin/wazero}
PEERS=${*:-wazero node}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/guests-peers.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

# run PEER MOUNT(guest=host or -) ENV(K=V or -) PROG ARGS...
run() {
  peer=$1 mount=$2 env=$3 prog=$4
  shift 4
  set -- "$@"
  if [ "$peer" = wazero ]; then
    m=""; e=""
    [ "$mount" != - ] && m="-mount=${mount#*=}:${mount%%=*}"
    [ "$env" != - ] && e="-env=$env"
    timeout 30 "$WAZERO" run $m $e "bin/$prog.wasm" "$@"
  else
    m=""; e=""
    [ "$mount" != - ] && m="--dir $mount"
    [ "$env" != - ] && e="--env $env"
    timeout 30 node --no-warnings tools/node_wasi.mjs $m $e "bin/$prog.wasm" "$@"
  fi
}

report() {
  label=$1 out=$2 status=$3
  grep -E '^not ok' "$out" | sed "s/^/  /"
  printf '%s: exit %s, %s\n' "$label" "$status" "$(grep -E '^# passed' "$out" | sed 's/^# //' || echo 'no summary')"
}

canary_setup() {
  rm -rf "$SCRATCH/T" && mkdir -p "$SCRATCH/T/box"
  echo "WASIX-CANARY $(date +%s)" > "$SCRATCH/T/canary.txt"
  ln -s .. "$SCRATCH/T/box/pre-up1"
  ln -s "$SCRATCH/T/canary.txt" "$SCRATCH/T/box/pre-abs"
  ln -s /etc "$SCRATCH/T/box/pre-etc"
  ln -s ../../../../../../../../../.. "$SCRATCH/T/box/pre-root"
}

for peer in $PEERS; do
  echo "=== $peer"
  mkdir -p "$SCRATCH/tmp"
  out=$SCRATCH/out.txt

  run "$peer" "/tmp=$SCRATCH/tmp" - p1_fs > "$out" 2>&1; report p1_fs "$out" $?
  run "$peer" "/tmp=$SCRATCH/tmp" FOO=bar p1_misc alpha "beta gamma" "" "δ" > "$out" 2>&1; report p1_misc "$out" $?
  run "$peer" "/tmp=$SCRATCH/tmp" - p1_fault > "$out" 2>&1; report p1_fault "$out" $?
  run "$peer" "/tmp=$SCRATCH/tmp" - p1_edge > "$out" 2>&1; report p1_edge "$out" $?
  canary_setup
  run "$peer" "/sandbox=$SCRATCH/T/box" - escape "$SCRATCH/T/canary.txt" > "$out" 2>&1; report escape "$out" $?
  left=$(ls -A "$SCRATCH/T" | tr '\n' ' ')
  [ -f "$SCRATCH/T/canary.txt" ] && c=present || c=GONE
  echo "  host side after escape: T holds [$left], canary $c"
  run "$peer" - - p1_raise > "$out" 2>&1; echo "p1_raise: exit $? (want 143), $(tail -n 1 "$out")"
  for code in 0 7 255; do
    run "$peer" - - p1_exit $code > "$out" 2>&1; echo "p1_exit $code: exit $?"
  done
done
