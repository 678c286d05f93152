#ifndef KAFKA_OPERATOR_CEPOLL_SHIM_H
#define KAFKA_OPERATOR_CEPOLL_SHIM_H

/* Linux's epoll and eventfd, which Swift's Glibc module does not include: an event loop waits
   in epoll and is woken from other threads through an eventfd. */
#include <sys/epoll.h>
#include <sys/eventfd.h>

#endif
