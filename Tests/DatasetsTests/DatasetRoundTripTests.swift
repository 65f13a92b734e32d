import BinaryFormat
import Datasets
import Foundation
import Testing
import TestSupport

@Test func writtenDatasetReadsBackEqual() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let original = syntheticContents()
    let file = try writeAndOpen(original, in: dir)
    #expect(file.path == dir + "/toy/toy-task.mtds")
    #expect(file.contents() == original)
    #expect(file.metadata.task == original.task)
    #expect(file.metadata.episodeCount == 6)
    #expect(file.metadata.stepCount == 37)
    #expect(file.metadata.referenceReturn == 2.5)
    #expect(file.metadata.qualityStageCount == 2)
    #expect(try file.verify().count == 6)
    file.withObservations { #expect(Int(bitPattern: $0.baseAddress) % 64 == 0) }
}

@Test func returnToGoRangeMatchesABruteForceSum() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let c = syntheticContents()
    var low = Double.infinity
    var high = -Double.infinity
    for episode in c.episodes {
        for t in episode.start..<(episode.start + episode.length) {
            var g = 0.0
            var discount = 1.0
            for k in t..<(episode.start + episode.length) {
                g += discount * Double(c.rewards[k])
                discount *= c.discount
            }
            low = min(low, g)
            high = max(high, g)
        }
    }
    let file = try writeAndOpen(c, in: dir)
    #expect(abs(file.metadata.returnToGoMin - low) < 1e-9)
    #expect(abs(file.metadata.returnToGoMax - high) < 1e-9)
}

@Test func emptyDatasetRoundTrips() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let empty = syntheticContents(episodeLengths: [], stages: 1)
    #expect(try writeAndOpen(empty, in: dir).contents() == empty)
}

@Test func inconsistentContentsAreRefusedByTheWriter() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var shortObservations = syntheticContents()
    shortObservations.observations.removeLast()
    #expect(throws: DatasetError.inconsistentContents(field: "observations", found: 554, expected: 555)) {
        try DatasetWriter.write(shortObservations, to: dir + "/a.mtds")
    }
    var badAction = syntheticContents()
    badAction.actions[5] = 4
    #expect(throws: DatasetError.self) { try DatasetWriter.write(badAction, to: dir + "/b.mtds") }
    var midEpisodeEnd = syntheticContents()
    midEpisodeEnd.flags[2] = StepFlag.terminal
    #expect(throws: DatasetError.self) { try DatasetWriter.write(midEpisodeEnd, to: dir + "/c.mtds") }
    var nonFinite = syntheticContents()
    nonFinite.rewards[0] = .nan
    #expect(throws: DatasetError.self) { try DatasetWriter.write(nonFinite, to: dir + "/d.mtds") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
}
