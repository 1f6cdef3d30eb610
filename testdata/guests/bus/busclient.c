/* Talks to busserver (or a Go endpoint) over the bus.
 *   busclient test [NAME]      the checks below against the server NAME (and
 *                              "notbus", a program without bus_poll, which
 *                              the runtime must have as a command)
 *   busclient remote           bus_open_remote through the embedder's handler
 *   busclient go [NAME]        echo and nest on a Go endpoint (default gosvc)
 *   busclient leave [NAME]     calls echo and exits with the bus process open
 *   busclient bench N [NAME]   N echo calls of 16 bytes; prints "# ns <per call>"
 * Prints "ok ..." per check and exits 0, or "FAIL ..." and exits 1. */
#include <time.h>
#include "bus.h"

static int failed;

#define CHECK(cond, ...) do { \
	if (cond) { printf("ok "); } else { printf("FAIL "); failed = 1; } \
	printf(__VA_ARGS__); printf("\n"); fflush(stdout); \
} while (0)

/* Serves the calls the other side makes back (subcalls). */
static void serve(bus_event *ev, const char *req, size_t len) {
	if (is_topic(ev->u.call.topic, "nest")) nest(ev, req, 'C');
	else call_fault(ev->u.call.cid, BUS_INVALID_TOPIC);
}

static uint32_t open_local(const char *name, int reuse, uint32_t *bid) {
	return bus_open_local(name, strlen(name), (uint32_t)reuse, bid);
}

/* Calls topic on bid and waits for the end of the call. */
static int call(uint32_t bid, const char *name, uint32_t format, const char *req, char *out, size_t cap, uint32_t *fault) {
	bus_hash t = topic(name);
	uint64_t cid;
	uint32_t e = bus_call(bid, &t, format, req, strlen(req), &cid);
	if (e != BUS_OK) return -(int)e;
	return wait_call(cid, out, cap, fault, NULL);
}

static void test(const char *server) {
	char out[4096];
	uint32_t bid, bid2, fault = 0, e;
	uint64_t cid;
	bus_hash t = topic("echo");

	CHECK(open_local("no-such-program", 0, &bid) == BUS_INVALID_WAPM, "open of a missing program: invalid_wapm");
	FILE *f = fopen("/tmp/junk", "w");
	if (f) { fputs("not wasm", f); fclose(f); }
	CHECK(open_local("/tmp/junk", 0, &bid) == BUS_COMPILE_ERROR, "open of a file that is no program: compile_error");
	CHECK(open_local("/tmp", 0, &bid) == BUS_ACCESS_DENIED, "open of a directory: access_denied");
	CHECK(open_local("notbus", 0, &bid) == BUS_INVALID_ABI, "open of a program without bus_poll: invalid_abi");
	CHECK(open_local("", 0, &bid) == BUS_BAD_REQUEST, "open of an empty name: bad_request");
	CHECK(bus_open_remote("x", 1, 0, "i", 1, "t", 1, &bid) == BUS_UNSUPPORTED, "open_remote without a handler: unsupported");
	CHECK(open_local(server, 0, &bid) == BUS_OK, "open %s: bid %u", server, bid);

	/* request/response */
	uint8_t format = 99;
	e = bus_call(bid, &t, FMT_JSON, "{\"a\":1}", 7, &cid);
	CHECK(e == BUS_OK && wait_call(cid, out, sizeof out, NULL, &format) == EV_RESULT && strcmp(out, "{\"a\":1}") == 0 && format == FMT_JSON,
		"echo: %s (json)", out);
	CHECK(call(bid, "upper", FMT_RAW, "hello bus", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "HELLO BUS") == 0, "upper: %s", out);

	/* faults */
	CHECK(call(bid, "fault", FMT_RAW, "13", out, sizeof out, &fault) == EV_FAULT && fault == 13, "fault: %u (access_denied)", fault);
	CHECK(call(bid, "no-such-topic", FMT_RAW, "", out, sizeof out, &fault) == EV_FAULT && fault == BUS_INVALID_TOPIC, "unknown topic: invalid_topic");

	/* nested subcalls: server and client call each other back, 4 deep */
	CHECK(call(bid, "nest", FMT_RAW, "4", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "SCSC0") == 0, "nest 4: %s", out);

	/* a call closed by its caller: the callee sees a close event */
	bus_hash sl = topic("sleep");
	CHECK(bus_call(bid, &sl, FMT_RAW, "", 0, &cid) == BUS_OK, "sleep call");
	call_close(cid);
	CHECK(bus_subcall(cid, &t, FMT_RAW, "", 0, &cid) == BUS_ALREADY_CONSUMED, "subcall on a closed call: already_consumed");
	CHECK(call(bid, "closes", FMT_RAW, "", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "1") == 0, "server saw %s close", out);

	/* bad handles */
	CHECK(bus_call(4242, &t, FMT_RAW, "", 0, &cid) == BUS_INVALID_HANDLE, "call on a bad bid: invalid_handle");
	CHECK(bus_subcall(1ull << 40, &t, FMT_RAW, "", 0, &cid) == BUS_INVALID_HANDLE, "subcall on a bad cid: invalid_handle");
	CHECK(call_reply(1ull << 40, FMT_RAW, "", 0) == BUS_INVALID_HANDLE, "reply on a bad cid: invalid_handle");
	CHECK(bus_close(4242) == BUS_INVALID_HANDLE, "close of a bad bid: invalid_handle");
	CHECK(bus_call(bid, &t, 200, "", 0, &cid) == BUS_UNSUPPORTED, "unknown format: unsupported");
	e = bus_call(bid, &t, FMT_RAW, "x", 1, &cid);
	CHECK(e == BUS_OK && call_reply(cid, FMT_RAW, "", 0) == BUS_INVALID_HANDLE, "reply to one's own call: invalid_handle");
	CHECK(wait_call(cid, out, sizeof out, NULL, NULL) == EV_RESULT, "its result still comes");
	CHECK(bus_subcall(cid, &t, FMT_RAW, "", 0, &cid) == BUS_ALREADY_CONSUMED, "subcall on a finished call: already_consumed");
	call_fault(1ull << 40, 1);
	call_close(1ull << 40);

	/* bad pointers */
	CHECK(bus_call(bid, (bus_hash *)0xfffffff8, FMT_RAW, "", 0, &cid) == BUS_MEMORY_VIOLATION, "topic out of memory: memory_access_violation");
	CHECK(bus_call(bid, &t, FMT_RAW, (void *)0xfffffff0, 64, &cid) == BUS_MEMORY_VIOLATION, "payload out of memory");
	CHECK(bus_call(bid, &t, FMT_RAW, "", 0, (uint64_t *)0xfffffffc) == BUS_MEMORY_VIOLATION, "cid out of memory");
	size_t n;
	CHECK(bus_poll(0, (void *)0xffffff00, 4, &n) == BUS_MEMORY_VIOLATION, "events out of memory");
	CHECK(bus_open_local((const char *)0xfffffff0, 100, 0, &bid2) == BUS_MEMORY_VIOLATION, "name out of memory");
	CHECK(call_reply(1, FMT_RAW, (void *)0xfffffff0, 100) == BUS_MEMORY_VIOLATION, "reply out of memory");
	CHECK(bus_poll(0, out, 1, &n) == BUS_OK && n == 0, "nothing left to poll");

	/* reuse: the same instance keeps counting, a new one starts over */
	CHECK(call(bid, "count", FMT_RAW, "", out, sizeof out, NULL) == EV_RESULT, "count: %s", out);
	int before = atoi(out);
	CHECK(open_local(server, 1, &bid2) == BUS_OK && bid2 != bid, "reopen with reuse: bid %u", bid2);
	CHECK(call(bid2, "count", FMT_RAW, "", out, sizeof out, NULL) == EV_RESULT && atoi(out) == before + 1, "same instance: count %s", out);
	CHECK(bus_close(bid2) == BUS_OK, "close the second handle");
	CHECK(call(bid, "count", FMT_RAW, "", out, sizeof out, NULL) == EV_RESULT && atoi(out) == before + 2, "first handle still serves: %s", out);

	/* handles reused after close */
	CHECK(bus_close(bid) == BUS_OK, "close");
	CHECK(bus_call(bid, &t, FMT_RAW, "", 0, &cid) == BUS_INVALID_HANDLE, "call after close: invalid_handle");
	CHECK(bus_close(bid) == BUS_INVALID_HANDLE, "second close: invalid_handle");
	CHECK(open_local(server, 0, &bid2) == BUS_OK && bid2 == bid, "open again: the same bid %u", bid2);
	CHECK(call(bid2, "count", FMT_RAW, "", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "1") == 0, "a new instance: count %s", out);

	/* the callee exiting mid-call */
	exit_bid = exit_rval = 0;
	CHECK(call(bid2, "exit", FMT_RAW, "7", out, sizeof out, &fault) == EV_FAULT && fault == BUS_ABORTED, "callee exits mid-call: aborted");
	while (exit_bid == 0 && bus_poll(FOREVER, out, 1, &n) == BUS_OK && n == 1) {
		bus_event *ev = (bus_event *)out;
		if (ev->tag == EV_EXIT) { exit_bid = ev->u.exit.bid; exit_rval = ev->u.exit.rval; }
	}
	CHECK(exit_bid == bid2 && exit_rval == 7, "exit event: bid %u, code %u", exit_bid, exit_rval);
	CHECK(bus_call(bid2, &t, FMT_RAW, "", 0, &cid) == BUS_ABORTED, "call on an ended bus process: aborted");
	CHECK(bus_close(bid2) == BUS_OK, "close the ended one");
}

static void go(const char *name) {
	char out[4096];
	uint32_t bid, fault;
	CHECK(open_local(name, 0, &bid) == BUS_OK, "open %s", name);
	CHECK(call(bid, "echo", FMT_RAW, "to go", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "to go") == 0, "go echo: %s", out);
	CHECK(call(bid, "nest", FMT_RAW, "3", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "GCG0") == 0, "go nest 3: %s", out);
	CHECK(call(bid, "nope", FMT_RAW, "", out, sizeof out, &fault) == EV_FAULT && fault == BUS_INVALID_TOPIC, "go unknown topic: %u", fault);
	CHECK(bus_close(bid) == BUS_OK, "close");
}

static void remote(void) {
	char out[4096];
	uint32_t bid, bid2;
	CHECK(bus_open_remote("svc", 3, 0, "inst", 4, "secret", 6, &bid) == BUS_OK, "open_remote svc@inst");
	CHECK(call(bid, "echo", FMT_RAW, "far", out, sizeof out, NULL) == EV_RESULT && strcmp(out, "far") == 0, "remote echo: %s", out);
	CHECK(bus_open_remote("svc", 3, 0, "inst", 4, "wrong", 5, &bid2) == BUS_ACCESS_DENIED, "bad token: access_denied");
	CHECK(bus_close(bid) == BUS_OK, "close");
}

static uint64_t now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void bench(int n, const char *name) {
	char out[64];
	uint32_t bid;
	bus_hash t = topic("echo");
	if (open_local(name, 0, &bid) != BUS_OK) { printf("FAIL open %s\n", name); failed = 1; return; }
	for (int i = 0; i < 100; i++) call(bid, "echo", FMT_RAW, "0123456789abcdef", out, sizeof out, NULL);
	uint64_t start = now();
	for (int i = 0; i < n; i++) {
		uint64_t cid;
		if (bus_call(bid, &t, FMT_RAW, "0123456789abcdef", 16, &cid) != BUS_OK ||
		    wait_call(cid, out, sizeof out, NULL, NULL) != EV_RESULT) {
			printf("FAIL call %d\n", i);
			failed = 1;
			return;
		}
	}
	uint64_t ns = now() - start;
	printf("bench %s: %d calls\n# ns %llu\n", name, n, (unsigned long long)(ns / (uint64_t)n));
	bus_close(bid);
}

int main(int argc, char **argv) {
	const char *mode = argc > 1 ? argv[1] : "test";
	if (strcmp(mode, "test") == 0) test(argc > 2 ? argv[2] : "busserver");
	else if (strcmp(mode, "go") == 0) go(argc > 2 ? argv[2] : "gosvc");
	else if (strcmp(mode, "remote") == 0) remote();
	else if (strcmp(mode, "leave") == 0) {
		char out[64];
		uint32_t bid;
		CHECK(open_local(argc > 2 ? argv[2] : "busserver", 0, &bid) == BUS_OK, "open");
		CHECK(call(bid, "echo", FMT_RAW, "bye", out, sizeof out, NULL) == EV_RESULT, "echo: %s", out);
	}
	else if (strcmp(mode, "bench") == 0) bench(argc > 2 ? atoi(argv[2]) : 1000, argc > 3 ? argv[3] : "busserver");
	else { printf("FAIL unknown mode %s\n", mode); return 2; }
	if (!failed) printf("all ok\n");
	return failed;
}
