import Foundation

/// A fresh directory under the system temporary folder, deleted with its contents on `deinit`.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    /// Creates `<tmp>/<prefix>-<uuid>`.
    /// - Throws: the file system's error if the directory cannot be created.
    public init(prefix: String = "mtrl-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(at: url) }
}
