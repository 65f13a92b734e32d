import Distributed
import Environments
import Online
import TensorCore
import Testing

/// The online loop (online-sable.md §1.10) on lbf-8x8-2p-2f-coop (time limit 100): one record per
/// update with the env steps so far, the episodes that ended and the losses; parameters move.
@Suite struct OnlineTrainerTests {
    @Test func loopRecordsEveryUpdate() throws {
        let task = try TaskRegistry.task(id: "lbf-8x8-2p-2f-coop")
        var settings = OnlineRunSettings()
        settings.embedding = 16
        settings.envs = 4
        settings.steps = 40
        settings.updates = 3
        settings.update.epochs = 2
        settings.update.minibatches = 2
        settings.update.chunkSteps = 16
        let trainer = try OnlineTrainer(task: task, settings: settings, communicator: SingleProcessCommunicator())
        let start = trainer.parameters.buffer.toArray()
        var records: [OnlineUpdateRecord] = []
        try trainer.run { records.append($0) }
        #expect(records.map(\.update) == [1, 2, 3])
        #expect(records.map(\.environmentSteps) == [160, 320, 480])
        // 120 steps outlast the 100-step limit: every env ended an episode by the third update.
        #expect(records.map(\.episodes).reduce(0, +) >= settings.envs)
        for record in records {
            #expect((record.meanReturn != nil) == (record.episodes > 0))
            let t = record.terms
            #expect([t.total, t.actor, t.value, t.entropy, t.approximateKL].allSatisfy { $0.isFinite })
            #expect(t.entropy > 0)
        }
        #expect(trainer.parameters.buffer.toArray() != start)
    }
}
