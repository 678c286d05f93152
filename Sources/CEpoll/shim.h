#ifndef KAFKA_OPERATOR_CEPOLL_SHIM_H
#define KAFKA_OPERATOR_CEPOLL_SHIM_H

/* Linux's epoll, which Swift's Glibc module does not include. */
#include <sys/epoll.h>

#endif
