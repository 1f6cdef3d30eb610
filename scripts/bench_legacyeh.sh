#!/usr/bin/env bash
# What a program in the legacy exception encoding pays at load, and prints:
#   the translation alone (MB/s of sjlj_legacy.wasm, 77 KB);
#   Compile of the legacy build against Compile of the module its
#     translation gives (the refused validation and the translation: goal
#     a small fraction of a compile), fresh and from the compilation cache;
#   the legacy build against the exnref build of the same program, for
#     reference (the exnref build keeps DWARF sections, which wazero reads
#     at each compile and the translation drops).
# The sub-benchmarks run interleaved (-count rounds of all of them); each
# figure is the best of the rounds (default 5).
#
#   scripts/bench_legacyeh.sh [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
if [ ${#flags[@]} -eq 0 ]; then
	flags=(-count 5)
fi
out=$(go test -run '^$' -bench 'TranslateLegacyEH' -benchtime 200x "${flags[@]}" ./internal/wasmbin)
out1=$(go test -run '^$' -bench 'CompileLegacyEH' -benchtime 10x "${flags[@]}" ./host)
printf '%s\n%s\n' "$out" "$out1" | grep '^Benchmark'
echo
printf '%s\n%s\n' "$out" "$out1" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	v = $3 + 0
	if (!(name in best) || v < best[name]) best[name] = v
}
function ratio(a, b) { return b > 0 ? a / b : 0 }
END {
	t = best["BenchmarkTranslateLegacyEH"]
	printf "%-36s %10.2f ms  (%.0f MB/s)\n", "translate sjlj_legacy.wasm", t / 1e6, 76879 / (t / 1e9) / 1e6
	for (i = 1; i <= 2; i++) {
		c = i == 1 ? "fresh" : "cached"
		l = best["BenchmarkCompileLegacyEH/" c "/legacy"]
		tr = best["BenchmarkCompileLegacyEH/" c "/translated"]
		x = best["BenchmarkCompileLegacyEH/" c "/exnref"]
		printf "%-36s %10.2f ms %10.2f ms %7.2fx  (+%.2f ms)\n", "compile " c ": legacy / translated", l / 1e6, tr / 1e6, ratio(l, tr), (l - tr) / 1e6
		printf "%-36s %10.2f ms %10.2f ms %7.2fx\n", "compile " c ": legacy / exnref build", l / 1e6, x / 1e6, ratio(l, x)
	}
}'
