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
        #expect(try ActionParameters.diskSize(size, maximum: 1 << 50).text == size)
    }

    /// `--max-disk-size`: whole bytes between the smallest disk and the absolute largest.
    static let maximumDiskSizes: [(text: String, result: Result<Int64, ActionError>)] = [
        ("16Ti", .success(16 << 40)),
        ("1Gi", .success(1 << 30)),
        ("1Pi", .success(1 << 50)),
        ("500G", .success(500_000_000_000)),
        (
            "2Pi",
            .failure(
                .invalidParameter(name: "max-disk-size", reason: "'2Pi' is larger than the limit of 1Pi"))
        ),
        (
            "1Mi",
            .failure(
                .invalidParameter(
                    name: "max-disk-size", reason: "'1Mi' is 1048576 bytes; a disk must be at least 1Gi"))
        ),
        (
            "ten",
            .failure(
                .invalidParameter(
                    name: "max-disk-size", reason: "'ten' is not a quantity like 10Gi, 500m or 1.5G"))
        ),
        (
            "-1Ti",
            .failure(
                .invalidParameter(
                    name: "max-disk-size", reason: "'-1Ti' is negative; a quantity here must be zero or more")
            )
        ),
        ("9Ei", .failure(.invalidParameter(name: "max-disk-size", reason: "'9Ei' is too large"))),
    ]

    @Test(arguments: maximumDiskSizes)
    func readsTheMaximumDiskSize(_ row: (text: String, result: Result<Int64, ActionError>)) {
        #expect(
            Result { () throws(ActionError) in try ActionPolicy.maximumDiskSize(parsing: row.text) }
                == row.result)
    }

    @Test(arguments: ["/kafka-logs", "/var/lib/kafka/data_1", "/kafka-logs2", "/a.b"])
    func acceptsMountPaths(_ path: String) throws {
        #expect(try ActionParameters.absolutePath(path, name: "mountPath") == path)
    }
}
