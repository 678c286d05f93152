#ifndef KAFKA_OPERATOR_COPENSSL_SHIM_H
#define KAFKA_OPERATOR_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>

#endif
