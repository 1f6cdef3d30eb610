// Package witx reads the witx interface description language that the WASI
// and WASIX specifications are written in, and computes what a host and a
// guest must agree on: type layouts in linear memory and the core
// WebAssembly signature of every function.
//
// The dialect is the one of the WASI snapshots and of WASIX:
//
//	(use "typenames.witx")
//	(typename $size (@witx usize))
//	(typename $errno (enum (@witx tag u16) $success $2big ...))
//	(typename $rights (flags (@witx repr u64) $fd_datasync ...))
//	(typename $iovec (record (field $buf (@witx pointer u8)) (field $buf_len $size)))
//	(typename $fd (handle))
//	(typename $iovec_array (list $iovec))
//	(typename $prestat (union (@witx tag $preopentype) $prestat_dir))
//	(typename $option_fd (variant (@witx tag u8) (case $none) (case $some $fd)))
//	(module $wasix_32v1
//	  (import "memory" (memory))
//	  (@interface func (export "fd_pipe")
//	    (result $error (expected (tuple $fd $fd) (error $errno))))
//	  (@interface func (export "proc_exit") (param $rval $exitcode) (@witx noreturn)))
//
// Doc comments (;;;) attach to the next declaration, member, field, case,
// function, param or result. Parse reads one file; LoadDir and LoadFS read a
// set of files with their uses and resolve names into a Document. ABI.Layout,
// ABI.FieldOffsets and ABI.PayloadOffset lay types out for wasm32 or wasm64;
// ABI.Lower gives a function's core signature, with an out-pointer appended
// per result element.
package witx
