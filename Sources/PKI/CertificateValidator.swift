import SwiftASN1
@_spi(DisableValidityCheck) import X509

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Checks of the TLS material a user brings (`sslSecrets.create: false`), listing every problem
/// at once so one Warning says all that needs fixing. Nothing is thrown: unreadable PEM is a
/// problem like any other.
///
/// Validity dates are checked here, against `now`, and reported as `expired` or `notYetValid`;
/// the chain is verified with swift-certificates' `Verifier` with its own date check off, so an
/// expired but otherwise sound chain reports one problem, not two.
public struct CertificateValidator: Sendable {
    public var now: Date

    public init(now: Date) { self.now = now }

    /// The CA Secret: both texts parse, the key is the certificate's, the certificate is a CA
    /// that may sign certificates, and it is valid now.
    public func validateAuthority(certificatePEM: String, privateKeyPEM: String) -> [CertificateProblem] {
        var problems: [CertificateProblem] = []
        let certificate = reading { () throws(PKIError) in
            try ParsedCertificate(pem: certificatePEM, item: "the CA certificate")
        }
        let key = reading { () throws(PKIError) in
            try PEMReader.privateKey(privateKeyPEM, item: "the CA private key")
        }
        problems += certificate.problems + key.problems
        guard let certificate = certificate.value else { return problems }
        if let key = key.value, key.publicKey != certificate.certificate.publicKey {
            problems.append(.keyDoesNotMatchCertificate(subject: certificate.subject))
        }
        if !certificate.isCertificateAuthority {
            problems.append(.notACertificateAuthority(subject: certificate.subject))
        } else if let usage = try? certificate.certificate.extensions.keyUsage, !usage.keyCertSign {
            // An absent keyUsage is tolerated (OpenSSL's `req -x509` writes none); one that
            // leaves signing out is not.
            problems.append(.cannotSignCertificates(subject: certificate.subject))
        }
        problems += datesProblems(certificate)
        return problems
    }

    /// A leaf certificate, optionally followed by intermediates in the same PEM, and optionally
    /// its key: the key is the leaf's, a chain to a CA in `trustedPEM` verifies, the leaf and
    /// intermediates are valid now, the extended key usage allows `usage` (a broker needs
    /// clientAuth as well as serverAuth, because it is a client of the other brokers), and the
    /// subject alternative names cover every one of `requiredHostNames`.
    public func validateLeaf(
        certificatePEM: String, privateKeyPEM: String? = nil, trustedPEM: String,
        usage: CertificateRequest.Usage? = nil, requiredHostNames: [String] = []
    ) async -> [CertificateProblem] {
        let chain = reading { () throws(PKIError) in
            var chain: [ParsedCertificate] = []
            for certificate in try PEMReader.certificates(certificatePEM, item: "the certificate") {
                chain.append(try ParsedCertificate(certificate, item: "the certificate"))
            }
            return chain
        }
        let trusted = reading { () throws(PKIError) in
            try TrustBundle(pem: trustedPEM, item: "the trusted CA")
        }
        let key = privateKeyPEM.map { pem in
            reading { () throws(PKIError) in try PEMReader.privateKey(pem, item: "the private key") }
        }
        var problems = chain.problems + trusted.problems + (key?.problems ?? [])
        guard let chain = chain.value, let leaf = chain.first else { return problems }
        if let key = key?.value, key.publicKey != leaf.certificate.publicKey {
            problems.append(.keyDoesNotMatchCertificate(subject: leaf.subject))
        }
        for certificate in chain { problems += datesProblems(certificate) }
        if let trusted = trusted.value, let failure = await chainFailure(chain, trusted: trusted) {
            problems.append(.chainDoesNotVerify(subject: leaf.subject, reason: failure))
        }
        if let usage { problems += usageProblems(leaf, usage: usage) }
        let uncovered = leaf.uncovered(requiredHostNames)
        if !uncovered.isEmpty {
            problems.append(.hostNamesNotCovered(subject: leaf.subject, hostNames: uncovered))
        }
        return problems
    }

    private func datesProblems(_ certificate: ParsedCertificate) -> [CertificateProblem] {
        if now < certificate.notValidBefore {
            return [.notYetValid(subject: certificate.subject, notBefore: certificate.notValidBefore)]
        }
        if now > certificate.notValidAfter {
            return [.expired(subject: certificate.subject, notAfter: certificate.notValidAfter)]
        }
        return []
    }

    /// Why no chain from `chain`'s leaf to `trusted` verifies, or nil when one does.
    private func chainFailure(_ chain: [ParsedCertificate], trusted: TrustBundle) async -> String? {
        var verifier = Verifier(rootCertificates: CertificateStore(trusted.authorities.map(\.certificate))) {
            RFC5280Policy.withValidityCheckDisabled()
            CheckedByValidator()
        }
        let leaf = chain[0].certificate
        let result = await verifier.validate(
            leaf: leaf, intermediates: CertificateStore(chain.dropFirst().map(\.certificate)))
        switch result {
        case .validCertificate:
            return nil
        case .couldNotValidate(let failures):
            if let failure = failures.first { return failure.policyFailureReason.description }
            return
                "it names '\(leaf.issuer)' as its issuer, and no trusted CA of that name verifies its signature"
        }
    }

    private func usageProblems(_ leaf: ParsedCertificate, usage: CertificateRequest.Usage)
        -> [CertificateProblem]
    {
        // RFC 5280 §4.2.1.12: without the extension, the key may be used for any purpose.
        guard let declared = try? leaf.certificate.extensions.extendedKeyUsage else { return [] }
        if declared.contains(.any) { return [] }
        let needed: [(ExtendedKeyUsage.Usage, String)] =
            switch usage {
            case .server: [(.serverAuth, "serverAuth"), (.clientAuth, "clientAuth")]
            case .client: [(.clientAuth, "clientAuth")]
            }
        return needed.filter { !declared.contains($0.0) }.map {
            .missingExtendedKeyUsage(subject: leaf.subject, usage: $0.1)
        }
    }

    private func reading<Value>(_ body: () throws(PKIError) -> Value) -> (
        value: Value?, problems: [CertificateProblem]
    ) {
        do {
            return (try body(), [])
        } catch {
            return (nil, [.unreadable(error)])
        }
    }
}

/// Lets the `Verifier` accept leaves whose subject alternative names or extended key usage are
/// marked critical (RFC 5280 requires a critical SAN when the subject is empty):
/// `CertificateValidator` checks the names, and the usages when told the role, itself and reports
/// them as problems of their own rather than as a chain that does not verify.
private struct CheckedByValidator: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
    ]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        .meetsPolicy
    }
}
