#!/usr/bin/env bash
# Fuzzes every non-blocking import of every generation from inside a guest
# (internal/fuzzguest, run by host.TestFuzzCalls) with N calls per
# generation (default 2,500,000: 10 million in all), and prints the count,
# the host panics (0, or the test fails) and the rate.
#
#   scripts/fuzz_calls.sh [N] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export WASIX_FUZZ_CALLS="${1:-2500000}"
if [ $# -ge 2 ]; then
	export WASIX_FUZZ_SEED="$2"
fi
go test -run '^TestFuzzCalls$' -count=1 -v -timeout 0 ./host | grep -E 'calls|FAIL|ok|panic'
