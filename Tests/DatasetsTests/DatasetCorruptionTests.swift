import BinaryFormat
import Datasets
import Environments
import Foundation
import Glibc
import Testing
import TestSupport

/// The original file's bytes, and the start of its header body and observations section.
private struct Specimen {
    let contents: DatasetContents
    let bytes: [UInt8]
    var headerLength: Int { Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24 }
    /// Sections start at the first multiple of 64 after the header (format v1).
    var observationsOffset: Int { (20 + headerLength + 63) / 64 * 64 }

    init(directory: String) throws {
        contents = syntheticContents()
        let path = directory + "/original.mtds"
        try DatasetWriter.write(contents, to: path)
        bytes = Array(try #require(FileManager.default.contents(atPath: path)))
    }

    /// Replaces the header CRC so that header edits reach the field checks.
    func withFixedHeaderChecksum(_ mutated: [UInt8]) -> [UInt8] {
        var fixed = mutated
        let crc = CRC32C.checksum(Array(mutated[20..<(20 + headerLength)]))
        for k in 0..<4 { fixed[16 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
        return fixed
    }
}

private func open(_ bytes: [UInt8], at path: String) throws -> DatasetFile {
    // A plain write without fsync: these files are scratch, and thousands of fsyncs would dominate the test.
    let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw BinaryFormatError.io(path: path, operation: "open", errno: errno) }
    let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else { throw BinaryFormatError.io(path: path, operation: "write", errno: errno) }
    return try DatasetFile(path: path)
}

@Test func badMagicWrongVersionAndTruncationNameTheProblem() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let s = try Specimen(directory: dir)
    let path = dir + "/bad.mtds"
    var magic = s.bytes
    magic[0] = UInt8(ascii: "X")
    #expect(throws: DatasetError.badMagic(path: path, found: "\"XTRLDSET\"")) { try open(magic, at: path) }
    var version = s.bytes
    version[8] = 4
    #expect(throws: DatasetError.unsupportedVersion(path: path, found: 4, supported: 3)) { try open(version, at: path) }
    #expect(throws: DatasetError.truncated(path: path, section: "header", expectedBytes: 20, actualBytes: 10)) {
        try open(Array(s.bytes.prefix(10)), at: path)
    }
    let observationBytes = 37 * 3 * 5 * 4
    #expect(
        throws: DatasetError.truncated(
            path: path, section: "observations", expectedBytes: observationBytes, actualBytes: 100)
    ) {
        try open(Array(s.bytes.prefix(s.observationsOffset + 100)), at: path)
    }
    #expect(throws: DatasetError.self) { try open(Array(s.bytes.dropLast()), at: path) }
}

@Test func flippedBitsFailTheChecksumOfTheirSection() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let s = try Specimen(directory: dir)
    let path = dir + "/bad.mtds"
    var observation = s.bytes
    observation[s.observationsOffset + 17] ^= 0x10
    do {
        _ = try open(observation, at: path)
        Issue.record("a flipped observation bit was not detected")
    } catch let DatasetError.checksumMismatch(p, section, _, _) {
        #expect(p == path && section == "observations")
    }
    var header = s.bytes
    header[25] ^= 1
    do {
        _ = try open(header, at: path)
        Issue.record("a flipped header bit was not detected")
    } catch let DatasetError.checksumMismatch(_, section, _, _) {
        #expect(section == "header")
    }
    var tail = s.bytes
    tail[tail.count - 3] ^= 0x80
    do {
        _ = try open(tail, at: path)
        Issue.record("a flipped episode-index bit was not detected")
    } catch let DatasetError.checksumMismatch(_, section, _, _) {
        #expect(section == "episode index")
    }
    let unverified = try DatasetFile(path: path, verifyingChecksums: false)
    #expect(throws: DatasetError.self) { try unverified.verify() }
}

/// Opens a successfully parsed file the way training would, to prove it is usable.
private func exercise(_ file: DatasetFile) throws {
    try file.contents().validate()
    guard file.metadata.stepCount >= 1 else { return }
    let sampler = try TaskBalancedSampler(datasets: [file], configuration: SamplerConfiguration(timeSteps: 1))
    var batch = sampler.makeBatch(batchSize: 4)
    sampler.fill(&batch, plan: sampler.plan(mode: .balanced, update: 0, batchSize: 4), range: 0..<4)
}

/// The dataset reader's fuzz target: 10,000 seeded mutations of a valid file (bit flips,
/// truncations, header fields with a valid header checksum, trailing garbage, and stored values
/// replaced with their checksums made valid). None may crash, hang or open with other contents.
@Test func tenThousandMutatedFilesOpenConsistentlyOrThrowTypedErrors() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let s = try Specimen(directory: dir)
    let path = dir + "/fuzz.mtds"
    var rng = SplitMixGenerator(seed: 2024)
    let kinds = 5, trials = 10_000
    var opened = [Int](repeating: 0, count: kinds)
    var refused = [Int](repeating: 0, count: kinds)
    for trial in 0..<trials {
        let kind = trial % kinds
        var bytes = s.bytes
        switch kind {
        case 0:  // random bit flips anywhere
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
        case 1:  // random truncation
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        case 2:  // random header values, with a valid header checksum
            let width = [1, 4, 8].randomElement(using: &rng)!
            let at = Int.random(in: 20...(20 + s.headerLength - width), using: &rng)
            for k in 0..<width {
                bytes[at + k] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : [0, 0xFF, 1][k % 3]
            }
            bytes = s.withFixedHeaderChecksum(bytes)
        case 3:  // trailing garbage
            bytes += (0..<Int.random(in: 1...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        default:  // a stored value replaced by any bit pattern, every checksum valid
            let section: DatasetPatch.Section = Bool.random(using: &rng) ? .observations : .rewards
            let count = section == .observations ? s.contents.observations.count : s.contents.rewards.count
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            try DatasetPatch.replace(section, indices: [Int.random(in: 0..<count, using: &rng)], with: value,
                                     source: dir + "/original.mtds", destination: path)
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        do {
            let file = try open(bytes, at: path)
            try exercise(file)
            opened[kind] += 1
            if kind != 2 && kind != 4 {
                #expect(file.contents() == s.contents, "trial \(trial) kind \(kind) opened with different contents")
            }
            if kind == 4 { #expect(file.contents().observations.allSatisfy(\.isFinite) && file.contents().rewards.allSatisfy(\.isFinite)) }
        } catch is DatasetError {
            refused[kind] += 1
        } catch is BinaryFormatError {
            refused[kind] += 1
        }
    }
    print("dataset reader fuzz: \(trials) inputs, opened \(opened), refused \(refused) (by kind: flips, truncations, header fields, trailing bytes, values)")
    #expect(refused[1] == trials / kinds, "every truncation must be refused")
    #expect(refused[0] > trials / kinds * 4 / 5 && refused[2] > 0 && refused[4] > 0 && opened[3] + refused[3] == trials / kinds,
            "opened \(opened), refused \(refused)")
}
