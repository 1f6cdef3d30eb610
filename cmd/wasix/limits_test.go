package main

import "testing"

func TestLimitFlags(t *testing.T) {
	o, _, err := parseRunFlags([]string{"--max-memory", "512MiB", "--max-procs", "8", "--max-host-fds=100", "--max-fds", "64", "--max-memfs", "1G", "a.wasm"})
	if err != nil {
		t.Fatal(err)
	}
	if o.maxMemoryPages != 8192 || o.maxProcs != 8 || o.maxHostFDs != 100 || o.maxFDs != 64 || o.maxMemFS != 1<<30 {
		t.Fatalf("parsed %+v", o)
	}
	cfg, _, err := o.config("a.wasm", nil, nil, nil, nil)
	if err != nil || cfg.MaxMemoryPages != 8192 {
		t.Fatalf("config %d, %v", cfg.MaxMemoryPages, err)
	}
	o, _, _ = parseRunFlags([]string{"--max-memory", "8GiB", "--max-memfs", "0", "a.wasm"})
	if o.maxMemoryPages != 65535 || o.maxMemFS != -1 {
		t.Fatalf("8GiB gives %d pages, memfs 0 gives %d", o.maxMemoryPages, o.maxMemFS)
	}
	for _, bad := range [][]string{
		{"--max-memory", "1000"}, {"--max-memory", "lots"}, {"--max-procs", "0"}, {"--max-host-fds", "-1"}, {"--max-fds", "2"}, {"--max-memfs", "1T"},
	} {
		if _, _, err := parseRunFlags(append(bad, "a.wasm")); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	for in, want := range map[string]uint64{"65536": 65536, "64K": 64 << 10, "64kib": 64 << 10, "2M": 2 << 20, "1GiB": 1 << 30, "3gb": 3 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
