import Foundation
import JSON
import LocalCluster
import Logging
import PKI
import Testing

@testable import kafka_operator

/// What the simulated Cruise Control serves, followed from the objects a real one starts from:
/// HTTPS only when its properties enable it and the keystore they name opens with the password
/// its environment gives; a keystore that cannot be opened leaves the port refusing, as a Cruise
/// Control that fails to start would; properties without TLS give plain HTTP.
@Suite struct SimulatedCruiseControlTLSTests {
    static let properties = """
        webserver.ssl.enable=true
        webserver.ssl.keystore.location=/var/run/secrets/cruisecontrol/ssl/keystore.p12
        webserver.ssl.keystore.type=PKCS12
        webserver.ssl.keystore.password=${env:CRUISE_CONTROL_KEYSTORE_PASSWORD}
        """

    static func object(_ resource: String, _ name: String, _ body: [(String, JSONValue)]) -> ObjectChange {
        ObjectChange(
            kind: .added, resource: resource,
            object: .object(
                [("metadata", .object([("name", .string(name)), ("namespace", .string("kafka"))]))] + body))
    }

    static func deployment() throws -> ObjectChange {
        object(
            "deployments", "kafka-cruisecontrol",
            [
                (
                    "spec",
                    try JSONReader.parse(
                        Array(
                            """
                            {"template":{"spec":{
                              "containers":[{"name":"cruisecontrol",
                                "env":[{"name":"CRUISE_CONTROL_KEYSTORE_PASSWORD",
                                        "valueFrom":{"secretKeyRef":{"name":"kafka-cruisecontrol-certificate","key":"keystore.password"}}}],
                                "volumeMounts":[{"name":"ssl","mountPath":"/var/run/secrets/cruisecontrol/ssl"}]}],
                              "volumes":[{"name":"ssl","secret":{"secretName":"kafka-cruisecontrol-certificate"}}]}}}
                            """.utf8))
                )
            ])
    }

    static func secret(password: String, keystorePassword: String) throws -> ObjectChange {
        let ca = try CertificateAuthority.create(commonName: "ca", now: Date())
        let issued = try ca.issue(CertificateRequest(commonName: "cc", usage: .server), now: Date())
        let keystore = try PKCS12Keystore.encode(
            privateKeyPEM: issued.privateKeyPEM, chainPEM: issued.chainPEM, alias: "cc",
            password: keystorePassword)
        return object(
            "secrets", "kafka-cruisecontrol-certificate",
            [
                (
                    "data",
                    .object([
                        ("keystore.p12", .string(Data(keystore).base64EncodedString())),
                        ("keystore.password", .string(Data(password.utf8).base64EncodedString())),
                    ])
                )
            ])
    }

    static func configMap(_ properties: String) -> ObjectChange {
        object(
            "configmaps", "kafka-cruisecontrol-config",
            [("data", .object([("cruisecontrol.properties", .string(properties))]))])
    }

    static func mode(_ changes: [ObjectChange]) -> String {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let follower = SimulatedCruiseControlTLS(namespace: "kafka", cluster: "kafka", logger: logger)
        for change in changes { follower.apply(change) }
        switch follower.switchable.mode {
        case .plain: return "plain"
        case .tls: return "tls"
        case .refusing: return "refusing"
        }
    }

    @Test func httpsWhenTheKeystoreOpensWithThePasswordTheEnvironmentGives() throws {
        let secret = try Self.secret(password: "pw", keystorePassword: "pw")
        #expect(Self.mode([try Self.deployment(), secret, Self.configMap(Self.properties)]) == "tls")
        // Until the Deployment and Secret exist the web server cannot start.
        #expect(Self.mode([Self.configMap(Self.properties)]) == "refusing")
    }

    @Test func aWrongPasswordOrAMissingVariableLeavesThePortRefusing() throws {
        let wrong = try Self.secret(password: "other", keystorePassword: "pw")
        #expect(Self.mode([try Self.deployment(), wrong, Self.configMap(Self.properties)]) == "refusing")
        let secret = try Self.secret(password: "pw", keystorePassword: "pw")
        let unnamed = Self.properties.replacingOccurrences(
            of: "CRUISE_CONTROL_KEYSTORE_PASSWORD}", with: "NOT_SET}")
        #expect(Self.mode([try Self.deployment(), secret, Self.configMap(unnamed)]) == "refusing")
    }

    @Test func plainHTTPWithoutTLSInTheProperties() throws {
        #expect(Self.mode([try Self.deployment(), Self.configMap("webserver.http.port=8090\n")]) == "plain")
        #expect(Self.mode([]) == "plain")
    }
}
