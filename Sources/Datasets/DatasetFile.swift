import BinaryFormat

/// A dataset file opened for reading: memory-mapped, validated, immutable.
///
/// Opening checks magic, version, the header checksum, every header field against sane bounds,
/// every section's size against the counts, the episode index (episodes tile the axis, stages in
/// range), the flags (exactly the last step of each episode ends it), the action range, that
/// observations and rewards are finite, and by default every section checksum. Any failure throws a `DatasetError` naming the file and section.
///
/// Properties: after a successful open, every accessor returns data consistent with `metadata`.
/// Writers replace files by rename (new inode), so an open mapping stays valid; truncating a mapped
/// file in place from outside would fault on access, which no reader can prevent.
public final class DatasetFile: @unchecked Sendable {
    public let path: String
    public let metadata: DatasetMetadata
    /// Episodes in axis order.
    public let episodes: [EpisodeRecord]
    private let file: MappedFile
    private let entries: [DatasetLayout.SectionEntry]

    /// Opens and validates `path`.
    /// - Parameter verifyingChecksums: also check every section's CRC32C (reads the whole file).
    /// - Throws: `DatasetError` (bad magic, version, truncation, checksum, field) or
    ///   `BinaryFormatError.io` when the file cannot be opened.
    public init(path: String, verifyingChecksums: Bool = true) throws {
        self.path = path
        file = try MappedFile(path: path)
        let (metadata, entries) = try DatasetFile.readHeader(file: file, path: path)
        self.metadata = metadata
        self.entries = entries
        if verifyingChecksums { try DatasetFile.verify(file: file, entries: entries, path: path) }
        episodes = try DatasetFile.readEpisodes(
            file: file, entry: entries[Int(DatasetLayout.Section.episodes.rawValue) - 1], metadata: metadata, path: path
        )
        try validateFlagsAndActions()
        try validateFiniteValues()
    }

    /// Checks every section's CRC32C.
    /// - Returns: the names of the sections checked, in file order.
    /// - Throws: `DatasetError.checksumMismatch` for the first bad section.
    @discardableResult
    public func verify() throws -> [String] {
        try DatasetFile.verify(file: file, entries: entries, path: path)
        return entries.map(\.section.name)
    }

    /// Size of the file in bytes.
    public var byteCount: Int { file.count }

    /// Borrows observations `(S, n, F)`, 64-byte aligned. The pointer must not escape.
    public func withObservations<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withSection(.observations, as: Float.self, body)
    }

    /// Borrows actions `(S, n)`.
    public func withActions<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withSection(.actions, as: UInt8.self, body)
    }

    /// Borrows legal masks `(S, n, A)` (1 = legal).
    public func withLegal<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withSection(.legal, as: UInt8.self, body)
    }

    /// Borrows team rewards `(S)`.
    public func withRewards<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try withSection(.rewards, as: Float.self, body)
    }

    /// Borrows step flags `(S)` (`StepFlag` bits).
    public func withFlags<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withSection(.flags, as: UInt8.self, body)
    }

    /// A full in-memory copy (tests, subsampling).
    public func contents() -> DatasetContents {
        DatasetContents(
            task: metadata.task, qualityStageCount: metadata.qualityStageCount,
            referenceReturn: metadata.referenceReturn, discount: metadata.discount, provenance: metadata.provenance,
            observations: withObservations(Array.init), actions: withActions(Array.init), legal: withLegal(Array.init),
            rewards: withRewards(Array.init), flags: withFlags(Array.init), episodes: episodes)
    }

    private func withSection<T, R>(
        _ section: DatasetLayout.Section, as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R
    ) rethrows -> R {
        let entry = entries[Int(section.rawValue) - 1]
        return try file.withUnsafeBytes { raw in
            let count = entry.byteCount / MemoryLayout<T>.stride
            guard count > 0, let base = raw.baseAddress else {
                return try body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return try body(
                UnsafeBufferPointer(start: (base + entry.offset).assumingMemoryBound(to: T.self), count: count))
        }
    }

    private func validateFlagsAndActions() throws {
        let actionCount = metadata.task.actionCount
        if let bad = withActions({ $0.firstIndex { Int($0) >= actionCount } }) {
            let value = withActions { $0[bad] }
            throw DatasetError.badField(
                path: path, section: "actions", field: "action at index \(bad)", found: "\(value)",
                expected: "< \(actionCount)")
        }
        try withFlags { flags in
            for (e, episode) in episodes.enumerated() {
                let last = episode.start + episode.length - 1
                for t in episode.start...last {
                    let ends = flags[t] != 0
                    if flags[t] > 3 || ends != (t == last) {
                        throw DatasetError.badField(
                            path: path, section: "terminal/truncated flags", field: "flags[\(t)] in episode \(e)",
                            found: "\(flags[t])", expected: t == last ? "1, 2 or 3 (episode end)" : "0 (mid-episode)")
                    }
                }
            }
        }
    }
}
