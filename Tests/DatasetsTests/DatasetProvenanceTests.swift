import BinaryFormat
import Datasets
import Foundation
import Statistics
import TestSupport
import Testing

/// Every dataset says which behaviour made it (format version 2); version-1 files still open, as the oracle's.
@Suite struct DatasetProvenanceTests {
    @Test("the behaviour and the reference's precision round-trip; a version-1 file reads as the oracle's")
    func provenanceRoundTripsAndVersionOneReadsAsOracle() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var contents = syntheticContents()
        contents.provenance = DatasetProvenance(behaviour: "observed", referenceEpisodes: 300, referenceStandardError: 0.015)
        let path = dir + "/v2.mtds"
        try DatasetWriter.write(contents, to: path)
        let file = try DatasetFile(path: path)
        #expect(file.metadata.provenance == contents.provenance)
        #expect(file.contents() == contents)

        // The same file as version 1 wrote it: no provenance fields (nor version 3's) in the header.
        let old = dir + "/v1.mtds"
        try Self.downgrade(path, to: old, version: 1)
        let v1 = try DatasetFile(path: old)
        #expect(v1.metadata.provenance == .versionOne)
        var expected = contents
        expected.provenance = .versionOne
        #expect(v1.contents() == expected)
    }

    @Test("R_final and the snapshot stage table round-trip (version 3); a version-2 file reads without them")
    func onlineFieldsRoundTripAndVersionTwoReads() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var contents = syntheticContents()
        contents.referenceReturn = 2
        let stages = [SnapshotStage(update: 0, environmentSteps: 0, score: MeanWithError(mean: 0.5, standardError: 0.1, count: 320),
                                    normalisedScore: 0.25),
                      SnapshotStage(update: 10, environmentSteps: 40_960, score: MeanWithError(mean: 1.5, standardError: 0.2, count: 320),
                                    normalisedScore: 0.75)]
        contents.provenance = DatasetProvenance(behaviour: "online-sable", referenceEpisodes: 320, referenceStandardError: 0.05,
                                                finalReturn: MeanWithError(mean: 1.8, standardError: 0.06, count: 320), stages: stages)
        let path = dir + "/v3.mtds"
        try DatasetWriter.write(contents, to: path)
        let file = try DatasetFile(path: path)
        #expect(file.metadata.provenance == contents.provenance && file.contents() == contents)
        #expect(file.metadata.provenance.stages.map(\.label) == [.poor, .good])

        var wrongRows = contents
        wrongRows.provenance.stages = Array(stages.prefix(1))
        #expect(throws: DatasetError.self) { try DatasetWriter.write(wrongRows, to: dir + "/bad.mtds") }

        var heuristic = contents
        heuristic.provenance = DatasetProvenance(behaviour: "observed", referenceEpisodes: 300, referenceStandardError: 0.015)
        try DatasetWriter.write(heuristic, to: path)
        let old = dir + "/v2.mtds"
        try Self.downgrade(path, to: old, version: 2)
        let v2 = try DatasetFile(path: old)
        #expect(v2.metadata.provenance == heuristic.provenance && v2.contents() == heuristic)
    }

    @Test("quality labels: Poor below q = 1/3, Medium below 2/3, Good from 2/3, none without q")
    func labelThresholds() {
        let cases: [(Double, QualityLabel?)] = [(-0.5, .poor), (0, .poor), (0.33, .poor), (1.0 / 3, .medium), (0.5, .medium),
                                                (0.66, .medium), (2.0 / 3, .good), (1.2, .good), (.nan, nil)]
        for (q, label) in cases { #expect(QualityLabel(normalisedScore: q) == label, "q = \(q)") }
    }

    /// Rewrites a heuristic file (behaviour "observed", no online fields) as format `version` (1 or
    /// 2) wrote it: the later header fields removed and as many zero bytes put behind the header,
    /// so every section keeps its offset; version and header checksum re-sealed.
    static func downgrade(_ path: String, to destination: String, version: UInt8) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let behaviour: [UInt8] = [8, 0, 0, 0] + Array("observed".utf8)
        let provenanceStart = try #require(bytes.firstRange(of: behaviour)?.lowerBound)
        let onlineStart = provenanceStart + 24
        // Version 3's fields of a heuristic file: R_final (NaN, NaN, 0 episodes) and no stage rows.
        let start = version == 1 ? provenanceStart : onlineStart
        let removed = onlineStart + 24 - start
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8
        bytes.removeSubrange(start..<(start + removed))
        bytes.insert(contentsOf: [UInt8](repeating: 0, count: removed), at: 20 + headerLength - removed)
        bytes[8] = version
        let shorter = UInt32(headerLength - removed)
        for k in 0..<4 { bytes[12 + k] = UInt8(truncatingIfNeeded: shorter >> (8 * k)) }
        let crc = CRC32C.checksum(Array(bytes[20..<(20 + Int(shorter))]))
        for k in 0..<4 { bytes[16 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
        try Data(bytes).write(to: URL(fileURLWithPath: destination))
    }
}
