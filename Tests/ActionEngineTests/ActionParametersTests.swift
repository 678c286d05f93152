import Testing

@testable import ActionEngine

@Suite struct ActionParametersTests {
    /// Values that must pass: what examples, Koperator's docs and real registries use.
    @Test(arguments: [
        "kafka", "confluentinc/cp-kafka:7.6.0", "ghcr.io/banzaicloud/kafka:2.13-3.9.0",
        "registry.example.com:5000/team/kafka:3.9.0", "localhost/kafka:dev", "docker.io/library/kafka",
        "kafka@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "my-registry.local/a__b/c.d/e-f:latest",
    ])
    func acceptsImageReferences(_ image: String) {
        #expect(ImageReference.isValid(image), "\(image)")
    }

    @Test(arguments: [
        "standard", "fast-ssd", "gp3", "ebs.csi.aws.com", "a", String(repeating: "a", count: 253),
    ])
    func acceptsStorageClassNames(_ name: String) throws {
        #expect(try ActionParameters.storageClass(name) == name)
    }

    @Test(arguments: ["1Gi", "2G", "100Gi", "1Ti", "1Pi", "2e9", "1.5Gi"])
    func acceptsDiskSizes(_ size: String) throws {
        #expect(try ActionParameters.diskSize(size) == size)
    }

    @Test(arguments: ["/kafka-logs", "/var/lib/kafka/data_1", "/kafka-logs2", "/a.b"])
    func acceptsMountPaths(_ path: String) throws {
        #expect(try ActionParameters.absolutePath(path, name: "mountPath") == path)
    }
}
