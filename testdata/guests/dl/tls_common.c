/* libtlscommon.so: where each module records its thread-local block. */
int tls_bases[4];
