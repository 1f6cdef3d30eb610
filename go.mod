module github.com/wasix-go/wasix

go 1.25.0

require (
	github.com/coder/websocket v1.8.14
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/sys v0.44.0
)
