import BinaryFormat
import Datasets
import Foundation
import Testing
import TestSupport

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

        // The same file as version 1 wrote it: no provenance fields in the header (the 24 bytes
        // move behind the header, so every section keeps its offset), version 1, header re-sealed.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fields: [UInt8] = [8, 0, 0, 0] + Array("observed".utf8)
        let start = try #require(bytes.firstRange(of: fields)?.lowerBound)
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8
        bytes.removeSubrange(start..<(start + 24))
        bytes.insert(contentsOf: [UInt8](repeating: 0, count: 24), at: 20 + headerLength - 24)
        bytes[8] = 1
        let shorter = UInt32(headerLength - 24)
        for k in 0..<4 { bytes[12 + k] = UInt8(truncatingIfNeeded: shorter >> (8 * k)) }
        let crc = CRC32C.checksum(Array(bytes[20..<(20 + Int(shorter))]))
        for k in 0..<4 { bytes[16 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
        let old = dir + "/v1.mtds"
        try Data(bytes).write(to: URL(fileURLWithPath: old))
        let v1 = try DatasetFile(path: old)
        #expect(v1.metadata.provenance == .versionOne)
        var expected = contents
        expected.provenance = .versionOne
        #expect(v1.contents() == expected)
    }
}
