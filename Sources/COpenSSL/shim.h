#ifndef KAFKA_OPERATOR_COPENSSL_SHIM_H
#define KAFKA_OPERATOR_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

/* Kafka client helpers: these OpenSSL entry points are macros, which Swift cannot call. */
static inline long kafka_ssl_set_sni_host(SSL *ssl, const char *host) {
    return SSL_set_tlsext_host_name(ssl, host);
}
static inline long kafka_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}
/* PEM text held in memory (a Secret's keys) as the client's trust and identity. */
static inline long kafka_ssl_ctx_trust_pem(SSL_CTX *ctx, const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return -1;
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    long added = 0;
    X509 *certificate;
    while ((certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (X509_STORE_add_cert(store, certificate) == 1) added++;
        X509_free(certificate);
    }
    ERR_clear_error(); /* the end of the text reads as an error */
    BIO_free(bio);
    return added;
}
/* The first certificate is the client's, the rest its intermediates; 1 on success. */
static inline int kafka_ssl_ctx_use_chain_pem(SSL_CTX *ctx, const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return 0;
    X509 *leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    int ok = leaf != NULL && SSL_CTX_use_certificate(ctx, leaf) == 1;
    X509_free(leaf);
    X509 *intermediate;
    while (ok && (intermediate = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        ok = SSL_CTX_add1_chain_cert(ctx, intermediate) == 1;
        X509_free(intermediate);
    }
    if (ok) ERR_clear_error();
    BIO_free(bio);
    return ok;
}
/* An unencrypted PEM key matching the certificate already in use; 1 on success. */
static inline int kafka_ssl_ctx_use_key_pem(SSL_CTX *ctx, const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return 0;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    int ok = key != NULL && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    EVP_PKEY_free(key);
    BIO_free(bio);
    return ok;
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

/* The subjectAltName extension as OpenSSL prints it ("DNS:a, IP Address:127.0.0.1"); writes at
   most capacity bytes and returns the length, 0 without the extension, -1 on failure. */
static inline long http_x509_subject_alt_names(X509 *certificate, char *out, long capacity) {
    int index = X509_get_ext_by_NID(certificate, NID_subject_alt_name, -1);
    if (index < 0) return 0;
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return -1;
    long length = -1;
    if (X509V3_EXT_print(bio, X509_get_ext(certificate, index), 0, 0) == 1) {
        length = BIO_read(bio, out, (int)capacity);
        if (length < 0) length = 0;
    }
    BIO_free(bio);
    return length;
}

/* Keystores: PKCS#12 lists its other certificates in a STACK_OF(X509), whose accessors are
   macros. */
static inline int keystores_x509_count(const STACK_OF(X509) *certificates) {
    return sk_X509_num(certificates);
}
static inline X509 *keystores_x509_at(const STACK_OF(X509) *certificates, int index) {
    return sk_X509_value(certificates, index);
}
static inline void keystores_x509_stack_free(STACK_OF(X509) *certificates) {
    sk_X509_pop_free(certificates, X509_free);
}
/* The authenticated safes and the bags in them, to count the rounds a file asks for before
   PKCS12_parse spends them. */
static inline int keystores_pkcs7_count(const STACK_OF(PKCS7) *safes) {
    return sk_PKCS7_num(safes);
}
static inline PKCS7 *keystores_pkcs7_at(const STACK_OF(PKCS7) *safes, int index) {
    return sk_PKCS7_value(safes, index);
}
static inline void keystores_pkcs7_stack_free(STACK_OF(PKCS7) *safes) {
    sk_PKCS7_pop_free(safes, PKCS7_free);
}
static inline int keystores_safebag_count(const STACK_OF(PKCS12_SAFEBAG) *bags) {
    return sk_PKCS12_SAFEBAG_num(bags);
}
static inline const PKCS12_SAFEBAG *keystores_safebag_at(const STACK_OF(PKCS12_SAFEBAG) *bags, int index) {
    return sk_PKCS12_SAFEBAG_value(bags, index);
}
static inline void keystores_safebag_stack_free(STACK_OF(PKCS12_SAFEBAG) *bags) {
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
}
/* The algorithm an encrypted-data safe is encrypted with; NULL for other safes, or when the
   content the type promises is absent. */
static inline const X509_ALGOR *keystores_pkcs7_encryption(const PKCS7 *safe) {
    if (OBJ_obj2nid(safe->type) != NID_pkcs7_encrypted || safe->d.encrypted == NULL
        || safe->d.encrypted->enc_data == NULL) return NULL;
    return safe->d.encrypted->enc_data->algorithm;
}
/* The iteration count of a password-based algorithm: PKCS#12's and PKCS#5 v1's PBEParameter,
   or PBES2 with PBKDF2. -1 for anything else (scrypt, whose cost is also memory, or parameters
   that do not decode), which OpenSSL would otherwise spend unbounded time on. */
static inline long keystores_pbe_iterations(const X509_ALGOR *algorithm) {
    if (algorithm == NULL || algorithm->parameter == NULL) return -1;
    long iterations = -1;
    if (OBJ_obj2nid(algorithm->algorithm) == NID_pbes2) {
        PBE2PARAM *pbes2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter);
        if (pbes2 != NULL && pbes2->keyfunc != NULL && pbes2->keyfunc->parameter != NULL
            && OBJ_obj2nid(pbes2->keyfunc->algorithm) == NID_id_pbkdf2) {
            PBKDF2PARAM *pbkdf2 =
                ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbes2->keyfunc->parameter);
            if (pbkdf2 != NULL) iterations = ASN1_INTEGER_get(pbkdf2->iter);
            PBKDF2PARAM_free(pbkdf2);
        }
        PBE2PARAM_free(pbes2);
    } else {
        PBEPARAM *pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), algorithm->parameter);
        if (pbe != NULL) iterations = ASN1_INTEGER_get(pbe->iter);
        PBEPARAM_free(pbe);
    }
    return iterations;
}

#endif
