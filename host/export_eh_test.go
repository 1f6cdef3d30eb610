package host

import "github.com/tetratelabs/wazero/experimental"

// WithoutExceptionsForTest runs f with runtimes made without the exception
// handling feature, for the benchmark that compares the two.
func WithoutExceptionsForTest(f func()) {
	saved := coreFeatures
	coreFeatures &^= experimental.CoreFeaturesExceptionHandling
	defer func() { coreFeatures = saved }()
	f()
}
