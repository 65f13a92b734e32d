import BinaryFormat
import Datasets
import Foundation
import Testing
import TestSupport

@Test func inspectListsTasksEpisodesAndStageReturns() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try writeAndOpen(syntheticContents(id: "alpha"), in: dir)
    _ = try writeAndOpen(syntheticContents(id: "beta", episodeLengths: [2, 2, 2, 2]), in: dir)
    let text = try DatasetInspector.inspect(path: dir)
    #expect(text.contains("task alpha (toy, train)") && text.contains("task beta (toy, train)"))
    #expect(text.contains("episodes 6, transitions 37") && text.contains("episodes 4, transitions 8"))
    #expect(text.contains("total: 2 tasks, 10 episodes, 45 transitions"))
    #expect(try DatasetInspector.datasetPaths(at: dir) == [dir + "/toy/alpha.mtds", dir + "/toy/beta.mtds"])
    #expect(throws: DatasetError.notFound(path: dir + "/missing")) {
        try DatasetInspector.inspect(path: dir + "/missing")
    }
}

@Test func verifyReportsTheCorruptedFileAndItsSection() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try writeAndOpen(syntheticContents(id: "good"), in: dir)
    let bad = try writeAndOpen(syntheticContents(id: "bad"), in: dir).path
    #expect(try DatasetInspector.verify(path: dir).allPassed)
    var bytes = Array(try #require(FileManager.default.contents(atPath: bad)))
    bytes[bytes.count - 1] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: bad))
    let report = try DatasetInspector.verify(path: dir)
    #expect(!report.allPassed)
    #expect(report.files.first { $0.path == bad }?.failure?.contains("episode index") == true)
    #expect(report.files.first { $0.path.hasSuffix("good.mtds") }?.failure == nil)
    #expect(report.text.contains("1 of 2 files passed"))
}

@Test(arguments: [0.1, 0.25, 0.5, 1.0])
func subsampleKeepsAFractionOfEveryStage(fraction: Double) throws {
    let lengths = (0..<40).map { 1 + $0 % 7 }
    let original = syntheticContents(episodeLengths: lengths, stages: 4)
    let smaller = try DatasetSubsampler.subsample(original, fraction: fraction, seed: 3)
    try smaller.validate()
    #expect(smaller.referenceReturn == original.referenceReturn)
    for stage in 0..<4 {
        #expect(
            smaller.episodes.filter { $0.qualityStage == stage }.count == max(1, Int((fraction * 10).rounded())),
            "stage \(stage) fraction \(fraction)")
    }
    // Every kept episode is an original episode, data and all, in the original order.
    var cursor = 0
    for kept in smaller.episodes {
        let n = 3 * 5
        let keptObs = Array(smaller.observations[(kept.start * n)..<((kept.start + kept.length) * n)])
        let match = try #require(
            original.episodes[cursor...].firstIndex { e in
                e.length == kept.length && e.totalReturn == kept.totalReturn
                    && Array(original.observations[(e.start * n)..<((e.start + e.length) * n)]) == keptObs
            }, "fraction \(fraction)")
        let source = original.episodes[match]
        #expect(
            Array(smaller.rewards[kept.start..<(kept.start + kept.length)])
                == Array(original.rewards[source.start..<(source.start + source.length)]))
        #expect(
            Array(smaller.flags[kept.start..<(kept.start + kept.length)])
                == Array(original.flags[source.start..<(source.start + source.length)]))
        cursor = match + 1
    }
    #expect(throws: DatasetError.self) { try DatasetSubsampler.subsample(original, fraction: 0, seed: 3) }
    #expect(throws: DatasetError.self) { try DatasetSubsampler.subsample(original, fraction: 1.5, seed: 3) }
}

@Test func subsampleWritesReadableFiles() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try writeAndOpen(syntheticContents(id: "alpha", episodeLengths: (0..<20).map { 1 + $0 % 5 }), in: dir + "/full")
    let text = try DatasetSubsampler.subsample(
        source: dir + "/full", destination: dir + "/half", fraction: 0.5, seed: 1)
    #expect(text.contains("10 of 20 episodes"))
    let file = try DatasetFile(path: dir + "/half/toy/alpha.mtds")
    #expect(file.metadata.episodeCount == 10)
}

/// `dataset subsample` never replaces a file: neither its own source (an --out equal to the source's
/// directory) nor an earlier subsample; it refuses before writing anything.
@Test func subsampleRefusesToReplaceAnExistingDataset() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    _ = try writeAndOpen(syntheticContents(id: "alpha", episodeLengths: (0..<20).map { 1 + $0 % 5 }), in: dir + "/full")
    _ = try writeAndOpen(syntheticContents(id: "beta", episodeLengths: (0..<20).map { 1 + $0 % 3 }), in: dir + "/full")
    let source = dir + "/full/toy/alpha.mtds"
    let before = try #require(FileManager.default.contents(atPath: source))
    #expect(throws: DatasetError.outputExists(path: source)) {
        try DatasetSubsampler.subsample(source: dir + "/full", destination: dir + "/full", fraction: 0.5, seed: 1)
    }
    #expect(FileManager.default.contents(atPath: source) == before)
    // Another subsample already there: refused before the first file is written.
    _ = try writeAndOpen(syntheticContents(id: "beta", episodeLengths: [2, 2]), in: dir + "/half")
    #expect(throws: DatasetError.outputExists(path: dir + "/half/toy/beta.mtds")) {
        try DatasetSubsampler.subsample(source: dir + "/full", destination: dir + "/half", fraction: 0.5, seed: 1)
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/half/toy/alpha.mtds"))
    #expect(try DatasetFile(path: dir + "/half/toy/beta.mtds").metadata.episodeCount == 2)
}

/// A directory that cannot be made is reported with the system's reason, not "errno 0".
@Test func writingUnderAFileNamesTheReason() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(FileManager.default.createFile(atPath: dir + "/plain", contents: Data()))
    #expect(throws: BinaryFormatError.io(path: dir + "/plain/toy", operation: "mkdir", errno: ENOTDIR)) {
        try DatasetWriter.write(syntheticContents(id: "alpha"), to: dir + "/plain/toy/alpha.mtds")
    }
}
