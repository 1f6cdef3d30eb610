# cxx_try(fn, arg) calls fn(arg) and returns the i32 payload of a C++
# exception (tag __cpp_exception) that escapes it, or 0 when none does:
# the catch clause of clang's C++ code without needing a C++ runtime.
# cxx_try_all(fn, arg) catches anything (catch_all) and returns 1.
	.tagtype	__cpp_exception i32
	.text
	.globl	cxx_try
	.type	cxx_try,@function
cxx_try:
	.functype	cxx_try (i32, i32) -> (i32)
	block		i32
	try_table	(catch __cpp_exception 0)
	local.get	1
	local.get	0
	call_indirect	__indirect_function_table, (i32) -> ()
	end_try_table
	i32.const	0
	return
	end_block
	end_function

	.globl	cxx_try_all
	.type	cxx_try_all,@function
cxx_try_all:
	.functype	cxx_try_all (i32, i32) -> (i32)
	block
	try_table	(catch_all 0)
	local.get	1
	local.get	0
	call_indirect	__indirect_function_table, (i32) -> ()
	end_try_table
	i32.const	0
	return
	end_block
	i32.const	1
	end_function
