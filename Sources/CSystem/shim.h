#ifndef CME_CSYSTEM_SHIM_H
#define CME_CSYSTEM_SHIM_H
// What Swift's Glibc module does not expose: epoll, eventfd and timerfd (Linux only).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <pthread.h>
#endif
