#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#ifdef __linux__
// PQ's Reactor waits for many connections' sockets at once.
#include <sys/epoll.h>
#endif
#endif
