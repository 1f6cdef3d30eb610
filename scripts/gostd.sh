#!/usr/bin/env bash
# Runs Go's own test suites of some standard packages as wasip1 programs
# under `wasix run`, and prints a pass/fail line per package.
#
#   scripts/gostd.sh                 the default packages (below)
#   scripts/gostd.sh strings bufio   just these
#
# Environment: GOSTD_RUN (a -run pattern), GOSTD_TIMEOUT (go test -timeout,
# default 10m), GOSTD_LOGS (a directory to keep each package's output in).
# Exit status: 0 when every package passed.
#
# go test builds each package's test binary for GOOS=wasip1 GOARCH=wasm and
# runs it through go_wasip1_wasm_exec (cmd/go_wasip1_wasm_exec), which the
# go command finds on PATH: it mounts the host's "/" at "/" and passes the
# environment with PWD, as Go's own misc/wasm wrapper does for wasmtime,
# so the tests find their testdata by the paths the host uses. Compiled
# code goes to wasix's compile cache (WASIX_CACHE_DIR, WASIX_CACHE_MAX).
#
# Known failures, with the reason; they are marked "known" and do not make
# the script fail. Go's own wasip1 limits need no entry: the tests concerned
# skip themselves on wasip1 (no processes, signals, sockets, users, ...).
#   os.TestRootRenameAfterOpen  an open directory is remembered by its path,
#       so a directory renamed while open is lost (wazero has the same
#       limit; Go's test skips it for GOWASIRUNTIME=wazero).
set -euo pipefail

declare -A known=(
	[os.TestRootRenameAfterOpen]=1
)

root=$(cd "$(dirname "$0")/.." && pwd)
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	pkgs=(os syscall time io/fs path/filepath io bufio strings encoding/json)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
logs=${GOSTD_LOGS:-$work/logs}
mkdir -p "$logs"

(cd "$root" && go build -o "$work/go_wasip1_wasm_exec" ./cmd/go_wasip1_wasm_exec)
export PATH="$work:$PATH"

fail=0
printf '%-16s %-6s %8s  %s\n' PACKAGE RESULT TIME FAILED-TESTS
for p in "${pkgs[@]}"; do
	log="$logs/$(echo "$p" | tr / _).log"
	start=$(date +%s)
	args=(-timeout "${GOSTD_TIMEOUT:-10m}")
	if [ -n "${GOSTD_RUN:-}" ]; then
		args+=(-run "$GOSTD_RUN")
	fi
	if GOOS=wasip1 GOARCH=wasm go test "${args[@]}" "$p" >"$log" 2>&1; then
		result=ok
	else
		result=FAIL
	fi
	secs=$(( $(date +%s) - start ))
	failed=$(grep -oE '^\s*--- FAIL: [^ ]+' "$log" | awk '{print $3}' | tr '\n' ' ' || true)
	if [ "$result" = FAIL ] && [ -n "$failed" ]; then
		unknown=0
		for f in $failed; do
			[ -n "${known[$p.$f]:-}" ] || [ -n "${known[$p.${f%%/*}]:-}" ] || unknown=1
		done
		if [ $unknown -eq 0 ]; then
			result=known
			failed="$failed(known, see the top of $(basename "$0"))"
		fi
	fi
	printf '%-16s %-6s %7ss  %s\n' "$p" "$result" "$secs" "$failed"
	if [ "$result" = FAIL ]; then
		fail=1
	fi
	if [ "$result" = FAIL ] && [ -z "$failed" ]; then
		# No test failed by name: the binary crashed or did not build.
		tail -n 5 "$log" | sed 's/^/    /'
	fi
done
if [ -z "${GOSTD_LOGS:-}" ] && [ $fail -ne 0 ]; then
	echo "(set GOSTD_LOGS=DIR to keep the full output)"
fi
exit $fail
