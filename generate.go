package wasix

// The guest bindings (types_gen.go, calls_gen.go) and the runtime's ABI
// tables (internal/abi/spec_gen.go) come from the witx files in spec/.
//go:generate go run ./cmd/wasixgen
