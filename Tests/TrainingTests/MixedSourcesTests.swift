import Datasets
import Environments
import Foundation
import Testing
import TestSupport
import Training

/// Tasks whose data came from different sources (online-sable and a heuristic) are never mixed in
/// one run silently: refused by default, allowed with --allow-mixed-sources on, each task then keeping
/// its own source's reference, which final.json lists.
@Suite struct MixedSourcesTests {
    @Test func mixedSourcesAreRefusedUnlessAllowed() throws {
        let dir = try TemporaryDirectory()
        let ids = ["lbf-8x8-2p-2f-coop", "lbf-2s-8x8-2p-2f-coop"]
        for (index, id) in ids.enumerated() {
            var (contents, _) = try DatasetCollector.collect(task: try TaskRegistry.task(id: id), episodes: 2, stages: 1, seed: 3)
            if index == 0 {
                contents.provenance = DatasetProvenance(behaviour: DatasetProvenance.onlineSable, referenceEpisodes: 320,
                                                        referenceStandardError: 0.01)
                contents.referenceReturn = 0.9
            }
            try DatasetWriter.write(contents, to: DatasetWriter.path(directory: dir.url.path, task: contents.task))
        }
        var config = TrainConfig()
        config.data = dir.url.path
        let tasks = try TrainingTasks(kind: .lbf, selection: ids.joined(separator: ","), heldOut: .none)
        let datasets = try tasks.openDatasets(directory: dir.url.path)
        #expect {
            try Trainer.referenceReturns(config: config, tasks: tasks, datasets: datasets)
        } throws: { "\($0)".contains("cannot mix behaviours") && "\($0)".contains("--allow-mixed-sources on") }

        try config.set("allow-mixed-sources", "on")
        let references = try Trainer.referenceReturns(config: config, tasks: tasks, datasets: datasets)
        #expect(references[ids[0]]?.behaviour == "online-sable" && references[ids[0]]?.mean == 0.9)
        #expect(references[ids[1]]?.behaviour == "oracle")

        let listed = Dictionary(uniqueKeysWithValues: ids.map { ($0, TaskReference(source: references[$0]!.behaviour, reference: references[$0]!.mean)) })
        let report = FinalReport(updates: 1, evaluatedUpdate: 1, selectBy: "latest", parameterChecksum: "", tokensPerSecond: 1,
                                 allReduceFraction: 0, peakMemoryMB: 1, elapsedSeconds: 1, ranks: 1, behaviour: "online-sable + oracle",
                                 normalisation: .ratio, flaggedTasks: [:], references: listed,
                                 scores: [TaskScore(taskID: ids[0], split: .train, trained: true, episodes: 1, meanReturn: 0.5, normalisedReturn: 0.5)],
                                 randomScores: [TaskScore(taskID: ids[0], split: .train, trained: true, episodes: 1, meanReturn: 0, normalisedReturn: 0)])
        let decoded = try JSONDecoder().decode(FinalReport.self, from: Data(report.json.utf8))
        #expect(decoded.references == listed)
        #expect(report.text.contains("MIXED SOURCES") && report.text.contains("mixed sources: \(ids[1]) oracle"), "\(report.text)")
    }
}
