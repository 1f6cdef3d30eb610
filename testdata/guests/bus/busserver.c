/* A bus process serving topics, opened by busclient (or a Go endpoint):
 *   echo    replies with the request, in its format
 *   upper   replies with the request in capitals
 *   fault   faults the call with the bus_error in the request (decimal)
 *   exit    exits with the code in the request, without answering
 *   nest    see bus.h: nested subcalls back to the caller
 *   sleep   never answers (the caller closes the call)
 *   closes  replies with the number of close events seen
 *   count   replies with the number of calls served so far
 *   other topics fault with invalid_topic. */
#include <ctype.h>
#include "bus.h"

static int served;

static void serve(bus_event *ev, const char *req, size_t len) {
	uint64_t cid = ev->u.call.cid;
	bus_hash t = ev->u.call.topic;
	char out[4096];
	served++;
	if (is_topic(t, "echo")) {
		call_reply(cid, ev->u.call.format, req, len);
	} else if (is_topic(t, "upper")) {
		for (size_t i = 0; i < len; i++) out[i] = (char)toupper((unsigned char)req[i]);
		call_reply(cid, ev->u.call.format, out, len);
	} else if (is_topic(t, "fault")) {
		call_fault(cid, (uint32_t)atoi(req));
	} else if (is_topic(t, "exit")) {
		exit(atoi(req));
	} else if (is_topic(t, "nest")) {
		nest(ev, req, 'S');
	} else if (is_topic(t, "sleep")) {
		/* no answer */
	} else if (is_topic(t, "closes")) {
		snprintf(out, sizeof out, "%u", closes);
		call_reply(cid, FMT_RAW, out, strlen(out));
	} else if (is_topic(t, "count")) {
		snprintf(out, sizeof out, "%d", served);
		call_reply(cid, FMT_RAW, out, strlen(out));
	} else {
		call_fault(cid, BUS_INVALID_TOPIC);
	}
}

int main(void) {
	serve_forever();
	return 0;
}
