import BinaryFormat
import Foundation

/// Writes datasets in the current format version (see `DatasetLayout`), atomically.
public enum DatasetWriter {
    /// The conventional path of a task's dataset: `directory/<environment>/<task id>.mtds`.
    public static func path(directory: String, task: TaskDescription) -> String {
        path(directory: directory, environment: task.environment, taskId: task.id)
    }

    /// `directory/<environment>/<task id>.mtds`.
    public static func path(directory: String, environment: String, taskId: String) -> String {
        "\(directory)/\(environment)/\(taskId).mtds"
    }

    /// Validates `contents` and writes it to `path` (creating missing parent directories).
    /// The header gets the return-to-go range computed from the rewards.
    /// - Returns: the file size in bytes.
    /// - Throws: `DatasetError` for inconsistent contents, `BinaryFormatError.io` for file errors.
    @discardableResult
    public static func write(_ contents: DatasetContents, to path: String) throws -> Int {
        try contents.validate()
        try checkBounds(contents)
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
                let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? POSIXError
                throw BinaryFormatError.io(path: parent, operation: "mkdir", errno: posix?.code.rawValue ?? EIO)
            }
        }
        let episodeBytes = encodeEpisodes(contents.episodes)
        var checksums: [DatasetLayout.Section: UInt32] = [:]
        checksums[.observations] = contents.observations.withUnsafeBytes { CRC32C.checksum($0) }
        checksums[.actions] = CRC32C.checksum(contents.actions)
        checksums[.legal] = CRC32C.checksum(contents.legal)
        checksums[.rewards] = contents.rewards.withUnsafeBytes { CRC32C.checksum($0) }
        checksums[.flags] = CRC32C.checksum(contents.flags)
        checksums[.episodes] = CRC32C.checksum(episodeBytes)

        let headerLength = header(contents, entries: placeholderEntries()).count
        var offset = DatasetLayout.aligned(DatasetLayout.prefixBytes + headerLength)
        var entries: [DatasetLayout.SectionEntry] = []
        for section in DatasetLayout.Section.allCases {
            let bytes = byteCount(section, contents, episodeBytes: episodeBytes.count)
            entries.append(.init(section: section, offset: offset, byteCount: bytes, checksum: checksums[section]!))
            offset = DatasetLayout.aligned(offset + bytes)
        }
        let headerBytes = header(contents, entries: entries)
        var prefix = ByteWriter()
        prefix.write(raw: DatasetLayout.magic)
        prefix.write(DatasetLayout.version)
        prefix.write(UInt32(headerBytes.count))
        prefix.write(CRC32C.checksum(headerBytes))
        var written = 0
        try AtomicFile.write(to: path) { sink in
            try sink.write(prefix.bytes)
            try sink.write(headerBytes)
            for entry in entries {
                try sink.pad(toMultipleOf: DatasetLayout.sectionAlignment)
                switch entry.section {
                case .observations: try sink.write(elements: contents.observations)
                case .actions: try sink.write(contents.actions)
                case .legal: try sink.write(contents.legal)
                case .rewards: try sink.write(elements: contents.rewards)
                case .flags: try sink.write(contents.flags)
                case .episodes: try sink.write(episodeBytes)
                }
            }
            written = sink.bytesWritten
        }
        return written
    }

    static func header(_ contents: DatasetContents, entries: [DatasetLayout.SectionEntry]) -> [UInt8] {
        var w = ByteWriter()
        let task = contents.task
        w.write(task.id)
        w.write(task.environment)
        w.write(task.split)
        w.write(task.parameters)
        w.write(UInt32(task.agentCount))
        w.write(UInt32(task.observationSize))
        w.write(UInt32(task.actionCount))
        w.write(UInt64(contents.episodes.count))
        w.write(UInt64(contents.stepCount))
        w.write(UInt32(contents.qualityStageCount))
        let range = contents.returnToGoRange()
        w.write(contents.referenceReturn)
        w.write(contents.discount)
        w.write(range.min)
        w.write(range.max)
        w.write(contents.provenance.behaviour)
        w.write(UInt32(contents.provenance.referenceEpisodes))
        w.write(contents.provenance.referenceStandardError)
        let final = contents.provenance.finalReturn
        w.write(final?.mean ?? .nan)
        w.write(final?.standardError ?? .nan)
        w.write(UInt32(final?.count ?? 0))
        w.write(UInt32(contents.provenance.stages.count))
        for stage in contents.provenance.stages {
            w.write(UInt64(stage.update))
            w.write(UInt64(stage.environmentSteps))
            w.write(stage.score.mean)
            w.write(stage.score.standardError)
            w.write(UInt32(stage.score.count))
            w.write(stage.normalisedScore)
            w.write(stage.label?.code ?? 0)
        }
        w.write(UInt32(entries.count))
        for entry in entries {
            w.write(entry.section.rawValue)
            w.write(UInt64(entry.offset))
            w.write(UInt64(entry.byteCount))
            w.write(entry.checksum)
        }
        return w.bytes
    }

    static func encodeEpisodes(_ episodes: [EpisodeRecord]) -> [UInt8] {
        var w = ByteWriter()
        for e in episodes {
            w.write(UInt64(e.start))
            w.write(UInt32(e.length))
            w.write(UInt32(e.qualityStage))
            w.write(e.totalReturn)
        }
        return w.bytes
    }

    private static func placeholderEntries() -> [DatasetLayout.SectionEntry] {
        DatasetLayout.Section.allCases.map { .init(section: $0, offset: 0, byteCount: 0, checksum: 0) }
    }

    private static func byteCount(_ section: DatasetLayout.Section, _ c: DatasetContents, episodeBytes: Int) -> Int {
        switch section {
        case .observations: c.observations.count * 4
        case .actions: c.actions.count
        case .legal: c.legal.count
        case .rewards: c.rewards.count * 4
        case .flags: c.flags.count
        case .episodes: episodeBytes
        }
    }

    private static func checkBounds(_ c: DatasetContents) throws {
        func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw DatasetError.inconsistentContents(
                    field: field, found: value, expected: value < range.lowerBound ? range.lowerBound : range.upperBound
                )
            }
        }
        try check("agent count", c.task.agentCount, 1...DatasetLayout.maxAgents)
        try check("observation size", c.task.observationSize, 1...DatasetLayout.maxObservationSize)
        try check("action count", c.task.actionCount, 1...DatasetLayout.maxActions)
        try check("quality-stage count", c.qualityStageCount, 1...DatasetLayout.maxStages)
    }
}
