#ifndef KAFKA_OPERATOR_COPENSSL_SHIM_H
#define KAFKA_OPERATOR_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>

/* Kafka client helpers: these OpenSSL entry points are macros, which Swift cannot call. */
static inline long kafka_ssl_set_sni_host(SSL *ssl, const char *host) {
    return SSL_set_tlsext_host_name(ssl, host);
}
static inline long kafka_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

#endif
