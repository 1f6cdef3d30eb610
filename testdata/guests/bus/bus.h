/* The bus calls of the seed generation (wasix_32v1), declared by hand,
 * with the helpers both bus guests use: topic hashes, an event loop that
 * serves incoming calls while a call of its own is pending, and payload
 * reading. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WX(n) __attribute__((import_module("wasix_32v1"), import_name(#n)))

typedef struct { uint64_t b0, b1; } bus_hash;

WX(bus_open_local) uint32_t bus_open_local(const char *name, size_t len, uint32_t reuse, uint32_t *bid);
WX(bus_open_remote) uint32_t bus_open_remote(const char *name, size_t len, uint32_t reuse,
	const char *inst, size_t ilen, const char *tok, size_t tlen, uint32_t *bid);
WX(bus_close) uint32_t bus_close(uint32_t bid);
WX(bus_call) uint32_t bus_call(uint32_t bid, const bus_hash *topic, uint32_t format,
	const void *buf, size_t len, uint64_t *cid);
WX(bus_subcall) uint32_t bus_subcall(uint64_t parent, const bus_hash *topic, uint32_t format,
	const void *buf, size_t len, uint64_t *cid);
WX(bus_poll) uint32_t bus_poll(uint64_t timeout, void *events, size_t n, size_t *nout);
WX(call_reply) uint32_t call_reply(uint64_t cid, uint32_t format, const void *buf, size_t len);
WX(call_fault) void call_fault(uint64_t cid, uint32_t fault);
WX(call_close) void call_close(uint64_t cid);

/* bus_error values */
enum { BUS_OK = 0, BUS_INVALID_WAPM = 3, BUS_COMPILE_ERROR = 5, BUS_INVALID_ABI = 6, BUS_ABORTED = 7, BUS_INVALID_HANDLE = 8, BUS_INVALID_TOPIC = 9,
	BUS_UNSUPPORTED = 11, BUS_BAD_REQUEST = 12, BUS_ACCESS_DENIED = 13, BUS_ALREADY_CONSUMED = 17, BUS_MEMORY_VIOLATION = 18 };
/* bus_event_type and bus_data_format values */
enum { EV_NOOP, EV_EXIT, EV_CALL, EV_RESULT, EV_FAULT, EV_CLOSE };
enum { FMT_RAW = 0, FMT_JSON = 3 };

/* bus_event: 64 bytes, a u8 tag and the case at offset 8. */
typedef struct {
	uint8_t tag;
	union {
		struct { uint32_t bid, rval; } exit;
		struct { uint8_t has_parent; uint64_t parent, cid; uint8_t format; bus_hash topic; uint32_t fd; } call;
		struct { uint8_t format; uint64_t cid; uint32_t fd; } result;
		struct { uint64_t cid; uint32_t fault; } fault;
		struct { uint64_t cid; } close;
	} u;
} bus_event;
_Static_assert(sizeof(bus_event) == 64, "bus_event is 64 bytes");

#define FOREVER UINT64_MAX

/* A topic's hash: the first 16 bytes of its SHA-256, two little-endian
 * halves (the convention of Wasmer's 2022 bus, which host.Topic follows). */
static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static bus_hash topic(const char *s) {
	static const uint32_t k[64] = {
		0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
		0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
		0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
		0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
		0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
		0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
		0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
		0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2};
	uint32_t h[8] = {0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19};
	size_t n = strlen(s), total = (n + 9 + 63) / 64 * 64;
	uint8_t *m = calloc(total, 1);
	memcpy(m, s, n);
	m[n] = 0x80;
	for (int i = 0; i < 8; i++) m[total - 1 - i] = (uint8_t)((uint64_t)n * 8 >> (8 * i));
	for (size_t off = 0; off < total; off += 64) {
		uint32_t w[64], a[8];
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)m[off+4*i] << 24 | (uint32_t)m[off+4*i+1] << 16 | (uint32_t)m[off+4*i+2] << 8 | m[off+4*i+3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i-15], 7) ^ ror(w[i-15], 18) ^ (w[i-15] >> 3);
			uint32_t s1 = ror(w[i-2], 17) ^ ror(w[i-2], 19) ^ (w[i-2] >> 10);
			w[i] = w[i-16] + s0 + w[i-7] + s1;
		}
		memcpy(a, h, sizeof a);
		for (int i = 0; i < 64; i++) {
			uint32_t t1 = a[7] + (ror(a[4], 6) ^ ror(a[4], 11) ^ ror(a[4], 25)) + ((a[4] & a[5]) ^ (~a[4] & a[6])) + k[i] + w[i];
			uint32_t t2 = (ror(a[0], 2) ^ ror(a[0], 13) ^ ror(a[0], 22)) + ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
			memmove(a + 1, a, 7 * sizeof a[0]);
			a[4] += t1;
			a[0] = t1 + t2;
		}
		for (int i = 0; i < 8; i++) h[i] += a[i];
	}
	free(m);
	uint8_t d[16];
	for (int i = 0; i < 16; i++) d[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
	bus_hash r = {0, 0};
	for (int i = 7; i >= 0; i--) { r.b0 = r.b0 << 8 | d[i]; r.b1 = r.b1 << 8 | d[8 + i]; }
	return r;
}

/* Whether t is the hash of name; hashes of the literals used are kept. */
static int is_topic(bus_hash t, const char *name) {
	static struct { const char *name; bus_hash h; } seen[32];
	static int nseen;
	bus_hash h;
	int i = 0;
	while (i < nseen && seen[i].name != name) i++;
	if (i < nseen) {
		h = seen[i].h;
	} else {
		h = topic(name);
		if (nseen < 32) { seen[nseen].name = name; seen[nseen].h = h; nseen++; }
	}
	return t.b0 == h.b0 && t.b1 == h.b1;
}

/* Reads a payload descriptor to its end into buf (NUL-terminated) and
 * closes it; returns the length. */
static size_t payload(uint32_t fd, char *buf, size_t cap) {
	size_t n = 0;
	for (;;) {
		ssize_t r = read((int)fd, buf + n, cap - 1 - n);
		if (r <= 0) break;
		n += (size_t)r;
	}
	buf[n] = 0;
	close((int)fd);
	return n;
}

/* What the program does with a call made to it; each guest defines it. */
static void serve(bus_event *ev, const char *req, size_t len);

/* Last exit event seen while waiting, and how many close events. */
static uint32_t exit_bid, exit_rval, closes;

/* Handles one event that is not the end of the awaited call. */
static void other_event(bus_event *ev) {
	char req[4096];
	switch (ev->tag) {
	case EV_CALL: {
		size_t n = payload(ev->u.call.fd, req, sizeof req);
		serve(ev, req, n);
		break;
	}
	case EV_EXIT:
		exit_bid = ev->u.exit.bid;
		exit_rval = ev->u.exit.rval;
		break;
	case EV_CLOSE:
		closes++;
		break;
	case EV_RESULT:
		close((int)ev->u.result.fd);
		break;
	}
}

/* Waits for the end of call cid, serving calls made meanwhile (subcalls
 * from the other side nest here). Returns the event type that ended it;
 * a result's payload is read into out. */
static int wait_call(uint64_t cid, char *out, size_t cap, uint32_t *fault, uint8_t *format) {
	for (;;) {
		bus_event ev;
		size_t n = 0;
		uint32_t e = bus_poll(FOREVER, &ev, 1, &n);
		if (e != BUS_OK) return -(int)e;
		if (n == 0) continue;
		if (ev.tag == EV_RESULT && ev.u.result.cid == cid) {
			if (format) *format = ev.u.result.format;
			payload(ev.u.result.fd, out, cap);
			return EV_RESULT;
		}
		if (ev.tag == EV_FAULT && ev.u.fault.cid == cid) {
			if (fault) *fault = ev.u.fault.fault;
			return EV_FAULT;
		}
		if (ev.tag == EV_CLOSE && ev.u.close.cid == cid) return EV_CLOSE;
		other_event(&ev);
	}
}

/* Serves calls until the bus endpoint is closed. */
static void serve_forever(void) {
	for (;;) {
		bus_event ev;
		size_t n = 0;
		if (bus_poll(FOREVER, &ev, 1, &n) != BUS_OK) return;
		if (n == 1) other_event(&ev);
	}
}

/* The "nest" topic, served by both guests: n > 0 subcalls "nest" with
 * n-1 back to the caller, on behalf of this call, and replies with its
 * result prefixed by mark; n == 0 replies "0". */
static void nest(bus_event *ev, const char *req, char mark) {
	int n = atoi(req);
	char out[256];
	if (n == 0) {
		call_reply(ev->u.call.cid, FMT_RAW, "0", 1);
		return;
	}
	char arg[16];
	snprintf(arg, sizeof arg, "%d", n - 1);
	bus_hash t = topic("nest");
	uint64_t sub;
	uint32_t e = bus_subcall(ev->u.call.cid, &t, FMT_RAW, arg, strlen(arg), &sub);
	if (e != BUS_OK) {
		call_fault(ev->u.call.cid, e);
		return;
	}
	out[0] = mark;
	uint32_t fault = 0;
	if (wait_call(sub, out + 1, sizeof out - 1, &fault, NULL) != EV_RESULT) {
		call_fault(ev->u.call.cid, fault ? fault : BUS_ABORTED);
		return;
	}
	call_reply(ev->u.call.cid, FMT_RAW, out, strlen(out));
}
