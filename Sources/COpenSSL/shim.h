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
/* HTTP server helpers, for the same reason. */
static inline long http_ssl_ctx_set_server_modes(SSL_CTX *ctx) {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    return SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/* Blocking TLS server sessions (HTTPServer's TLSServerContext and TLSServerSession). */
static inline void http_ssl_ctx_refuse_renegotiation(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
}
static inline long http_ssl_ctx_add1_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return SSL_CTX_add1_chain_cert(ctx, certificate);
}
/* The subject as RFC 2253 text (most specific first, as Java's X500Principal.getName() gives
   it), UTF-8 kept as is; writes at most capacity bytes and returns the length, -1 on failure. */
static inline long http_x509_subject_rfc2253(X509 *certificate, char *out, long capacity) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return -1;
    unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
    long length = -1;
    if (X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, flags) >= 0) {
        length = BIO_read(bio, out, (int)capacity);
        if (length < 0) length = 0;
    }
    BIO_free(bio);
    return length;
}

#endif
