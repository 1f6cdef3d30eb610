#!/usr/bin/env python3
"""check_imports.py - check every guest's imports against the ABI tables.

    python3 tools/check_imports.py [ABI_DIR]

ABI_DIR defaults to ../../../shared/abi relative to this directory's
parent (the shared/ folder beside the repository). For each bin/*.wasm it
reads the import section (with wasm-objdump from wabt) and checks that
every import exists, with the same core signature, in the generation the
program is meant for (see GENERATION below). Exits 1 on any mismatch.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GUESTS = os.path.dirname(HERE)

# Which ABI table(s) each program's imports must come from.
GENERATION = {
    "p1_fs": ["preview1"],
    "p1_misc": ["preview1"],
    "p1_raise": ["preview1"],
    "p1_exit": ["preview1"],
    "p1_fault": ["preview1"],
    "escape": ["preview1"],
    "wasix_fd": ["preview1", "wasix-current"],
    "wasix2022_pipe": ["wasix-2022"],
    "wasix2022_pipe_shm": ["wasix-2022"],
    "wasixseed_basic": ["wasix-seed"],
}


def load_table(abi_dir, gen):
    table = {}
    with open(os.path.join(abi_dir, gen + ".functions.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            params = tuple(row["wasm_params"].split())
            results = tuple(row["wasm_results"].split())
            table[(row["module"], row["function"])] = (params, results)
    return table


def imports_of(path):
    out = subprocess.run(["wasm-objdump", "-x", path],
                         check=True, capture_output=True, text=True).stdout
    types = {}
    imports = []
    for line in out.splitlines():
        m = re.match(r"\s*- type\[(\d+)\] \((.*)\) -> (.*)$", line)
        if m:
            params = tuple(p.strip() for p in m.group(2).split(",") if p.strip())
            res = m.group(3).strip()
            results = () if res == "nil" else tuple(r.strip() for r in res.strip("()").split(","))
            types[int(m.group(1))] = (params, results)
            continue
        m = re.match(r"\s*- func\[\d+\] sig=(\d+) <.*> <- ([^.]+)\.(\S+)$", line)
        if m:
            imports.append((m.group(2), m.group(3), types[int(m.group(1))]))
            continue
        m = re.match(r"\s*- memory\[\d+\] .* <- ([^.]+)\.(\S+)$", line)
        if m:
            imports.append((m.group(1), m.group(2), "memory"))
    return imports


def main():
    abi_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(GUESTS, "..", "..", "..", "shared", "abi")
    bad = 0
    for name in sorted(GENERATION):
        path = os.path.join(GUESTS, "bin", name + ".wasm")
        if not os.path.exists(path):
            print(f"missing: {path}")
            bad += 1
            continue
        tables = {}
        for gen in GENERATION[name]:
            tables.update(load_table(abi_dir, gen))
        modules = set()
        for module, field, sig in imports_of(path):
            modules.add(module)
            if sig == "memory":
                if (module, field) != ("env", "memory"):
                    print(f"{name}: unexpected memory import {module}.{field}")
                    bad += 1
                continue
            want = tables.get((module, field))
            if want is None:
                print(f"{name}: {module}.{field} is not in {GENERATION[name]}")
                bad += 1
            elif want != sig:
                print(f"{name}: {module}.{field} has {sig}, the table says {want}")
                bad += 1
        print(f"{name}: {', '.join(sorted(modules))} ({'/'.join(GENERATION[name])})")
    if bad:
        print(f"{bad} problem(s)")
        sys.exit(1)
    print("all imports match the ABI tables")


if __name__ == "__main__":
    main()
