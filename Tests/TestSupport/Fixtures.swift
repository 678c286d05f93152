import Foundation

/// Files under `Tests/Fixtures`, located from this source file so tests run from any directory.
public enum Fixtures {
    public static let directory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    public static func url(_ relativePath: String) -> URL {
        directory.appendingPathComponent(relativePath)
    }

    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }
}
