package abi

// The preview1 socket calls (sock_accept, sock_recv, sock_send,
// sock_shutdown) are served with the WASIX ones by net_sock.go.
