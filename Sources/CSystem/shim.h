#ifndef CME_CSYSTEM_SHIM_H
#define CME_CSYSTEM_SHIM_H
// What Swift's Glibc module does not expose: epoll, eventfd and timerfd (Linux only), malloc_trim,
// and the GNU extensions below, which glibc declares only under _GNU_SOURCE (the Glibc module is built without it).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <pthread.h>
#include <malloc.h>

extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif
