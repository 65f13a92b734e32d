import Datasets
import Environments
import Foundation
import Testing

/// End to end on real LBF tasks of different observation sizes: collect, write, open, sample.
@Test func collectedLBFTasksWriteReadAndSample() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let tasks = try ["lbf-2s-8x8-2p-2f-coop", "lbf-10x10-3p-3f"].map { try TaskRegistry.task(id: $0) }
    var files: [DatasetFile] = []
    for task in tasks {
        let summary = try DatasetCollector.collectAndWrite(
            task: task, episodes: 20, stages: 10, seed: 8, copies: 8, directory: dir)
        let file = try DatasetFile(path: DatasetWriter.path(directory: dir, environment: "lbf", taskId: task.id))
        #expect(file.metadata.task.id == task.id && file.metadata.task.agentCount == task.agentCount)
        #expect(
            file.metadata.task.observationSize == task.observationSize
                && file.metadata.task.actionCount == task.actionCount)
        #expect(
            file.metadata.episodeCount == 20 && file.metadata.stepCount == summary.transitions
                && summary.fileBytes == file.byteCount)
        #expect(file.metadata.referenceReturn == summary.referenceReturn)
        #expect(file.episodes.allSatisfy { $0.length <= task.timeLimit }, "\(task.id): episodes within the time limit")
        let legalActionsTaken = file.withActions { actions in
            file.withLegal { legal in
                actions.indices.allSatisfy { legal[$0 * task.actionCount + Int(actions[$0])] == 1 }
            }
        }
        #expect(legalActionsTaken, "\(task.id): every stored action is legal")
        files.append(file)
    }
    let sampler = try TaskBalancedSampler(datasets: files, configuration: SamplerConfiguration(timeSteps: 20))
    #expect(sampler.agentSlots == 3 && sampler.featureSize == max(tasks[0].observationSize, tasks[1].observationSize))
    var batch = sampler.makeBatch(batchSize: 5)
    sampler.fill(&batch, plan: sampler.plan(mode: .balanced, update: 1, batchSize: 5), range: 0..<5)
    let maskedSlots = batch.agentMask.filter { $0 == 0 }.count
    let twoAgentSamples = batch.taskIndex.filter { $0 == 0 }.count
    #expect(maskedSlots == twoAgentSamples, "one absent slot per 2-agent sample")
    let support = ReturnToGoSupport(datasets: files)
    #expect(
        support.minimum <= files.map(\.metadata.returnToGoMin).min()!
            && support.maximum >= files.map(\.metadata.returnToGoMax).max()!)
}
