import Datasets
import Environments
import Foundation
import Model
import Online
import Statistics
import TensorCore
import TestSupport
import Testing

/// Datasets recorded from an online run (online-sable.md §2.2, §2.3, §3): a tiny recording on
/// lbf-8x8-2p-2f-coop (time limit 100) with S = 3 snapshots of 4 stored and 8 label episodes.
@Suite struct OnlineDatasetRecorderTests {
    static let task = try! TaskRegistry.task(id: "lbf-8x8-2p-2f-coop")

    static var settings: OnlineRunSettings {
        var settings = OnlineRunSettings()
        settings.embedding = 16
        settings.envs = 4
        settings.steps = 16
        settings.updates = 4
        return settings
    }

    static let recording = OnlineRecordingSettings(snapshots: 3, episodesPerSnapshot: 4, labelEpisodes: 8)

    /// Parameters standing in for snapshot `j`'s (freshly drawn per j).
    static func parameters(_ j: Int, settings: OnlineRunSettings = settings) -> ParameterArena {
        var random = RandomStream(seed: 99).derived("test-parameters", j)
        return SableInitializer.parameters(for: SableLayout(config: settings.modelConfig(for: task)), random: &random)
    }

    static func recorder(in directory: TemporaryDirectory, settings: OnlineRunSettings = settings,
                         recording: OnlineRecordingSettings = recording) throws -> OnlineDatasetRecorder {
        var settings = settings
        settings.recording = recording
        return try OnlineDatasetRecorder(task: task, settings: settings, directory: directory.file("run/recording").path)
    }

    static func recordAll(_ recorder: OnlineDatasetRecorder) throws {
        for (j, update) in recorder.snapshotUpdates.enumerated() {
            try recorder.record(snapshot: j, update: update, environmentSteps: update * 64, parameters: parameters(j))
        }
    }

    static let reference = OnlineReferenceReturns(final: MeanWithError(mean: 0.5, standardError: 0.05, count: 320),
                                                  best: MeanWithError(mean: 0.25, standardError: 0.04, count: 320))
    static let cheapRandom = ReferencePrecision(minimumEpisodes: 10, relativeError: 1, maximumEpisodes: 10)

    @Test("snapshot updates are ⌊j·U/(S−1)⌋; S = 1 records the final policy only")
    func snapshotUpdates() throws {
        let dir = try TemporaryDirectory()
        #expect(try Self.recorder(in: dir).snapshotUpdates == [0, 2, 4])
        var settings = Self.settings
        settings.updates = 10
        let four = try Self.recorder(in: dir, settings: settings, recording: .init(snapshots: 4, episodesPerSnapshot: 4, labelEpisodes: 8))
        #expect(four.snapshotUpdates == [0, 3, 6, 10])
        #expect(four.snapshots(dueAt: 6) == [2] && four.snapshots(dueAt: 5).isEmpty)
        #expect(try Self.recorder(in: dir, recording: .init(snapshots: 1, episodesPerSnapshot: 4, labelEpisodes: 8)).snapshotUpdates == [4])
        #expect(throws: OnlineRecordingError.self) {
            try Self.recorder(in: dir, recording: .init(snapshots: 3, episodesPerSnapshot: 9, labelEpisodes: 8))
        }
    }

    @Test("the merged dataset holds complete episodes per snapshot, the stage table, R_max and R_final, and the reference row")
    func mergedDatasetIsComplete() throws {
        let dir = try TemporaryDirectory()
        let recorder = try Self.recorder(in: dir)
        try Self.recordAll(recorder)
        let data = dir.file("data").path
        let path = try recorder.finish(reference: Self.reference, dataDirectory: data, randomPrecision: Self.cheapRandom)
        #expect(path == data + "/lbf/lbf-8x8-2p-2f-coop.mtds")
        let verification = try DatasetInspector.verify(path: path)
        #expect(verification.allPassed, "\(verification.text)")

        let file = try DatasetFile(path: path)
        let contents = file.contents()
        #expect(file.metadata.qualityStageCount == 3 && file.episodes.count == 12)
        #expect(file.episodes.map(\.qualityStage) == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
        for episode in file.episodes {
            let steps = episode.start..<(episode.start + episode.length)
            #expect(episode.length <= 100)
            #expect(steps.dropLast().allSatisfy { contents.flags[$0] == 0 } && contents.flags[steps.last!] != 0)
            #expect(abs(steps.reduce(0.0) { $0 + Double(contents.rewards[$1]) } - episode.totalReturn) < 1e-9)
        }
        let p = file.metadata.provenance
        #expect(p.behaviour == "online-sable" && file.metadata.referenceReturn == 0.25)
        #expect(p.referenceEpisodes == 320 && p.referenceStandardError == 0.04 && p.finalReturn == Self.reference.final)
        #expect(p.stages.map(\.update) == [0, 2, 4] && p.stages.map(\.environmentSteps) == [0, 128, 256])
        for stage in p.stages {
            #expect(stage.score.count == 8)
            #expect(stage.normalisedScore == stage.score.mean / 0.25)
        }

        let table = try ReferenceReturnTable.read(path: data + "/lbf/reference-returns.tsv")
        let row = try #require(table["lbf-8x8-2p-2f-coop"])
        #expect(row.behaviour == "online-sable" && row.mean == 0.25 && row.standardError == 0.04 && row.hasRandom)

        let text = try DatasetInspector.inspect(path: path)
        #expect(text.contains("source: online-sable, 3 snapshots") && text.contains("labels (episodes):"), "\(text)")
    }

    @Test("a snapshot's label score is the mean return of its label episodes, the stored ones their first M_rec")
    func labelScoreIsTheMeanOfTheLabelEpisodes() throws {
        let dir = try TemporaryDirectory()
        let all = try Self.recorder(in: dir, recording: .init(snapshots: 3, episodesPerSnapshot: 4, labelEpisodes: 4))
        let stage = try all.record(snapshot: 1, update: 2, environmentSteps: 128, parameters: Self.parameters(1))
        let stored = try DatasetFile(path: all.snapshotPath(1)).episodes.map(\.totalReturn)
        #expect(stage.score.count == 4)
        #expect(abs(stage.score.mean - stored.reduce(0, +) / 4) < 1e-12)
    }

    @Test("recording again with the same seed gives identical bytes; another seed does not")
    func regenerationIsBitExact() throws {
        func bytes(seed: Int) throws -> Data {
            let dir = try TemporaryDirectory()
            var settings = Self.settings
            settings.seed = seed
            let recorder = try Self.recorder(in: dir, settings: settings)
            try recorder.record(snapshot: 1, update: 2, environmentSteps: 128, parameters: Self.parameters(1))
            return try Data(contentsOf: URL(fileURLWithPath: recorder.snapshotPath(1)))
        }
        let first = try bytes(seed: 7)
        #expect(try bytes(seed: 7) == first)
        #expect(try bytes(seed: 8) != first)
    }

    @Test("a restart skips snapshots already on disk; one from another update is refused, missing ones stop finish")
    func restartSkipsFinishedSnapshots() throws {
        let dir = try TemporaryDirectory()
        let recorder = try Self.recorder(in: dir)
        let first = try recorder.record(snapshot: 0, update: 0, environmentSteps: 0, parameters: Self.parameters(0))
        let written = try Data(contentsOf: URL(fileURLWithPath: recorder.snapshotPath(0)))
        // The restarted run calls it again (other parameters would give other episodes): nothing is re-recorded.
        let restarted = try Self.recorder(in: dir)
        let again = try restarted.record(snapshot: 0, update: 0, environmentSteps: 0, parameters: Self.parameters(5))
        #expect(again == first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: recorder.snapshotPath(0))) == written)
        #expect(throws: OnlineRecordingError.self) {
            try restarted.record(snapshot: 0, update: 1, environmentSteps: 64, parameters: Self.parameters(0))
        }
        #expect(throws: OnlineRecordingError.self) {
            try restarted.finish(reference: Self.reference, dataDirectory: dir.file("data").path, randomPrecision: nil)
        }
    }

    @Test("R_ref ≤ 0 leaves q and the labels undefined and the inspector flags the task")
    func nonPositiveReferenceIsFlagged() throws {
        let dir = try TemporaryDirectory()
        let recorder = try Self.recorder(in: dir)
        try Self.recordAll(recorder)
        let reference = OnlineReferenceReturns(final: MeanWithError(mean: -1, standardError: 0.1, count: 320),
                                               best: MeanWithError(mean: -0.5, standardError: 0.1, count: 320))
        let path = try recorder.finish(reference: reference, dataDirectory: dir.file("data").path, randomPrecision: nil)
        let stages = try DatasetFile(path: path).metadata.provenance.stages
        #expect(stages.allSatisfy { $0.normalisedScore.isNaN && $0.label == nil })
        let text = try DatasetInspector.inspect(path: path)
        #expect(text.contains("FLAGGED: R_ref ≤ 0") && text.contains("none 12; empty: Poor, Medium, Good"), "\(text)")
    }
}
