/* libctora.so: needed by dltest.wasm; needs libctorb.so, whose words it
 * passes on. */
extern void say(const char *);
extern const char *said(void);
extern void say_directly(void);

__attribute__((constructor)) static void a_ctor(void) { say("a-ctor"); }
__attribute__((destructor)) static void a_dtor(void) { say("a-dtor"); }

void a_say(const char *w) { say(w); }
const char *a_said(void) { return said(); }
void a_say_directly(void) { say_directly(); }
