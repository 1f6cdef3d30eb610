package abi

import "github.com/wasix-go/wasix/internal/kernel"

// KernelABI names g for the kernel, whose rules differ per generation
// where the toolchains expected different answers (kernel/generation.go).
func (g Generation) KernelABI() kernel.ABI {
	switch g {
	case Preview1:
		return kernel.ABIPreview1
	case Wasix2022:
		return kernel.ABIWasix2022
	case WasixSeed:
		return kernel.ABIWasixSeed
	case WasixCurrent:
		return kernel.ABIWasixCurrent
	}
	return kernel.ABIUnknown
}
