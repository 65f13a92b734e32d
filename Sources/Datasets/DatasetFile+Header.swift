import BinaryFormat
import Statistics

extension DatasetFile {
    /// Parses and checks the prefix, header and section table against the file size.
    static func readHeader(file: MappedFile, path: String) throws -> (DatasetMetadata, [DatasetLayout.SectionEntry]) {
        let prefixBytes = DatasetLayout.prefixBytes
        guard file.count >= prefixBytes else {
            throw DatasetError.truncated(
                path: path, section: "header", expectedBytes: prefixBytes, actualBytes: file.count)
        }
        var prefix = ByteReader(bytes: file.copyBytes(offset: 0, count: prefixBytes), source: path)
        let magic = try prefix.readBytes(8, "magic")
        guard magic == DatasetLayout.magic else {
            throw DatasetError.badMagic(
                path: path,
                found: "\"" + String(decoding: magic.map { (32...126).contains($0) ? $0 : 63 }, as: UTF8.self) + "\"")
        }
        let version = try prefix.readUInt32("version")
        guard DatasetLayout.readableVersions.contains(version) else {
            throw DatasetError.unsupportedVersion(path: path, found: version, supported: DatasetLayout.version)
        }
        let headerLength = Int(try prefix.readUInt32("header length"))
        let storedChecksum = try prefix.readUInt32("header checksum")
        guard headerLength <= file.count - prefixBytes else {
            throw DatasetError.truncated(
                path: path, section: "header", expectedBytes: prefixBytes + headerLength, actualBytes: file.count)
        }
        let headerBytes = file.copyBytes(offset: prefixBytes, count: headerLength)
        let computed = CRC32C.checksum(headerBytes)
        guard computed == storedChecksum else {
            throw DatasetError.checksumMismatch(
                path: path, section: "header", stored: storedChecksum, computed: computed)
        }
        var r = ByteReader(bytes: headerBytes, source: path)
        do {
            return try parseHeader(&r, path: path, version: version, fileSize: file.count, headerEnd: prefixBytes + headerLength)
        } catch let error as BinaryFormatError {
            throw DatasetError.badField(
                path: path, section: "header", field: "layout", found: "\(error)",
                expected: "a complete version-\(version) header")
        }
    }

    private static func parseHeader(_ r: inout ByteReader, path: String, version: UInt32, fileSize: Int, headerEnd: Int) throws
        -> (DatasetMetadata, [DatasetLayout.SectionEntry])
    {
        func bounded(_ field: String, _ value: UInt64, _ range: ClosedRange<Int>) throws -> Int {
            guard value <= UInt64(range.upperBound), Int(value) >= range.lowerBound else {
                throw DatasetError.badField(
                    path: path, section: "header", field: field, found: "\(value)",
                    expected: "\(range.lowerBound)...\(range.upperBound)")
            }
            return Int(value)
        }
        let id = try r.readString("task id", maxBytes: 4096)
        let environment = try r.readString("environment", maxBytes: 4096)
        let split = try r.readString("split", maxBytes: 4096)
        let parameters = try r.readString("task parameters", maxBytes: 1 << 16)
        let agents = try bounded("agent count", UInt64(try r.readUInt32("agent count")), 1...DatasetLayout.maxAgents)
        let features = try bounded(
            "observation size", UInt64(try r.readUInt32("observation size")), 1...DatasetLayout.maxObservationSize)
        let actions = try bounded(
            "action count", UInt64(try r.readUInt32("action count")), 1...DatasetLayout.maxActions)
        let episodes = try bounded("episode count", try r.readUInt64("episode count"), 0...fileSize)
        let steps = try bounded("step count", try r.readUInt64("step count"), episodes...fileSize)
        let stages = try bounded(
            "quality-stage count", UInt64(try r.readUInt32("quality-stage count")), 1...DatasetLayout.maxStages)
        let reference = try r.readDouble("reference return")
        let discount = try r.readDouble("discount")
        let rtgMin = try r.readDouble("return-to-go min")
        let rtgMax = try r.readDouble("return-to-go max")
        for (field, value) in [
            ("reference return", reference), ("discount", discount), ("return-to-go min", rtgMin),
            ("return-to-go max", rtgMax),
        ]
        where !value.isFinite {
            throw DatasetError.badField(
                path: path, section: "header", field: field, found: "\(value)", expected: "a finite number")
        }
        var provenance = DatasetProvenance.versionOne
        if version >= 2 {
            provenance.behaviour = try r.readString("behaviour", maxBytes: 64)
            provenance.referenceEpisodes = Int(try r.readUInt32("reference episodes"))
            provenance.referenceStandardError = try r.readDouble("reference standard error")
            guard provenance.referenceStandardError.isFinite, provenance.referenceStandardError >= 0 else {
                throw DatasetError.badField(
                    path: path, section: "header", field: "reference standard error",
                    found: "\(provenance.referenceStandardError)", expected: "a finite number ≥ 0")
            }
        }
        if version >= 3 {
            (provenance.finalReturn, provenance.stages) = try readOnlineFields(&r, path: path, stages: stages)
        }
        let sectionCount = try r.readUInt32("section count")
        let expectedSections = DatasetLayout.Section.allCases
        guard sectionCount == expectedSections.count else {
            throw DatasetError.badField(
                path: path, section: "header", field: "section count", found: "\(sectionCount)",
                expected: "\(expectedSections.count)")
        }
        var entries: [DatasetLayout.SectionEntry] = []
        var previousEnd = headerEnd
        for section in expectedSections {
            let kind = try r.readUInt32("\(section.name) kind")
            let offset = try r.readUInt64("\(section.name) offset")
            let byteCount = try r.readUInt64("\(section.name) byte count")
            let checksum = try r.readUInt32("\(section.name) checksum")
            guard kind == section.rawValue else {
                throw DatasetError.badField(
                    path: path, section: section.name, field: "section kind", found: "\(kind)",
                    expected: "\(section.rawValue)")
            }
            let expected =
                section.byteCount(
                    steps: steps, episodes: episodes, agents: agents, observationSize: features, actions: actions)
                ?? Int.max
            guard byteCount == UInt64(expected) else {
                throw DatasetError.badField(
                    path: path, section: section.name, field: "byte count", found: "\(byteCount)",
                    expected: "\(expected) for the header's counts")
            }
            guard offset % UInt64(DatasetLayout.sectionAlignment) == 0, offset >= UInt64(previousEnd),
                offset <= UInt64(fileSize)
            else {
                throw DatasetError.badField(
                    path: path, section: section.name, field: "offset", found: "\(offset)",
                    expected: "a multiple of 64 in \(previousEnd)...\(fileSize)")
            }
            let available = fileSize - Int(offset)
            guard expected <= available else {
                throw DatasetError.truncated(
                    path: path, section: section.name, expectedBytes: expected, actualBytes: available)
            }
            entries.append(.init(section: section, offset: Int(offset), byteCount: expected, checksum: checksum))
            previousEnd = Int(offset) + expected
        }
        let task = TaskDescription(
            id: id, environment: environment, split: split, parameters: parameters, agentCount: agents,
            observationSize: features, actionCount: actions)
        let metadata = DatasetMetadata(
            task: task, episodeCount: episodes, stepCount: steps, qualityStageCount: stages, referenceReturn: reference,
            discount: discount, returnToGoMin: rtgMin, returnToGoMax: rtgMax, provenance: provenance)
        return (metadata, entries)
    }

    /// The version-3 fields: R_final (nil when its episode count is 0) and the stage table (no rows,
    /// or one per quality stage, each with finite numbers and a label that matches its q).
    private static func readOnlineFields(_ r: inout ByteReader, path: String, stages: Int) throws
        -> (MeanWithError?, [SnapshotStage])
    {
        func bad(_ field: String, _ found: String, _ expected: String) -> DatasetError {
            .badField(path: path, section: "header", field: field, found: found, expected: expected)
        }
        func measured(_ field: String) throws -> MeanWithError {
            let value = MeanWithError(mean: try r.readDouble("\(field) mean"), standardError: try r.readDouble("\(field) standard error"),
                                       count: Int(try r.readUInt32("\(field) episodes")))
            guard value.count == 0 || (value.mean.isFinite && value.standardError.isFinite && value.standardError >= 0) else {
                throw bad(field, "\(value.mean) ± \(value.standardError)", "a finite mean and a finite standard error ≥ 0")
            }
            return value
        }
        let final = try measured("final return")
        let rows = Int(try r.readUInt32("stage-table rows"))
        guard rows == 0 || rows == stages else { throw bad("stage-table rows", "\(rows)", "0 or \(stages) (one per quality stage)") }
        var table: [SnapshotStage] = []
        for j in 0..<rows {
            let update = try r.readUInt64("stage \(j) update"), steps = try r.readUInt64("stage \(j) env steps")
            let score = try measured("stage \(j) score")
            let q = try r.readDouble("stage \(j) normalised score")
            let code = try r.readUInt8("stage \(j) label")
            guard update <= UInt64(Int.max), steps <= UInt64(Int.max), score.count > 0, !q.isInfinite else {
                throw bad("stage \(j)", "update \(update), env steps \(steps), \(score.count) score episodes, q \(q)",
                          "counts that fit, at least one score episode, q finite or NaN")
            }
            let stage = SnapshotStage(update: Int(update), environmentSteps: Int(steps), score: score, normalisedScore: q)
            guard code == stage.label?.code ?? 0 else {
                throw bad("stage \(j) label", "\(code)", "\(stage.label?.code ?? 0) (the label of q = \(q))")
            }
            table.append(stage)
        }
        return (final.count > 0 ? final : nil, table)
    }

    /// Checks every section's CRC32C.
    static func verify(file: MappedFile, entries: [DatasetLayout.SectionEntry], path: String) throws {
        for entry in entries {
            let computed = file.withUnsafeBytes { raw in
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[entry.offset..<entry.offset + entry.byteCount]))
            }
            guard computed == entry.checksum else {
                throw DatasetError.checksumMismatch(
                    path: path, section: entry.section.name, stored: entry.checksum, computed: computed)
            }
        }
    }

    /// Decodes and checks the episode index: episodes tile `0..<S` in order, stages in range.
    static func readEpisodes(
        file: MappedFile, entry: DatasetLayout.SectionEntry, metadata: DatasetMetadata, path: String
    ) throws -> [EpisodeRecord] {
        var r = ByteReader(bytes: file.copyBytes(offset: entry.offset, count: entry.byteCount), source: path)
        var episodes: [EpisodeRecord] = []
        episodes.reserveCapacity(metadata.episodeCount)
        var next = 0
        for e in 0..<metadata.episodeCount {
            let start = try r.readUInt64("episode \(e) start")
            let length = Int(try r.readUInt32("episode \(e) length"))
            let stage = Int(try r.readUInt32("episode \(e) quality stage"))
            let total = try r.readDouble("episode \(e) return")
            func bad(_ field: String, _ found: String, _ expected: String) -> DatasetError {
                .badField(
                    path: path, section: "episode index", field: "episode \(e) \(field)", found: found,
                    expected: expected)
            }
            guard start == UInt64(next) else {
                throw bad("start", "\(start)", "\(next) (right after the previous episode)")
            }
            guard length >= 1, length <= metadata.stepCount - next else {
                throw bad("length", "\(length)", "1...\(metadata.stepCount - next)")
            }
            guard stage < metadata.qualityStageCount else {
                throw bad("quality stage", "\(stage)", "< \(metadata.qualityStageCount)")
            }
            guard total.isFinite else { throw bad("return", "\(total)", "a finite number") }
            episodes.append(EpisodeRecord(start: next, length: length, totalReturn: total, qualityStage: stage))
            next += length
        }
        guard next == metadata.stepCount else {
            throw DatasetError.badField(
                path: path, section: "episode index", field: "sum of episode lengths", found: "\(next)",
                expected: "\(metadata.stepCount) (the step count)")
        }
        return episodes
    }
}
