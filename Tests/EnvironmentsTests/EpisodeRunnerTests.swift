import Environments
import Testing

/// `EpisodeRunner` plays exactly the episodes asked for, whatever their lengths and the copy count.
struct EpisodeRunnerTests {
    @Test("idle copies are restarted when their ignored episodes end", arguments: ["rware-tiny-2ag", "lbf-8x8-2p-2f-coop", "con-5x5x3a"])
    func runsExactlyTheRequestedEpisodes(taskID: String) throws {
        let task = try TaskRegistry.task(id: taskID)
        // Random play ends episodes at very different times, so some copies go idle early.
        let stats = EpisodeRunner.run(task: task, episodes: 5, epsilon: 1, seed: 3, copies: 4)
        #expect(stats.returns.count == 5 && stats.lengths.count == 5)
        #expect(stats.lengths.allSatisfy { $0 >= 1 && $0 <= task.timeLimit })
    }

    @Test func sameSeedGivesSameResults() throws {
        let task = try TaskRegistry.task(id: "lbf-8x8-2p-2f-coop")
        let a = EpisodeRunner.run(task: task, episodes: 6, epsilon: 0.5, seed: 9, copies: 3)
        let b = EpisodeRunner.run(task: task, episodes: 6, epsilon: 0.5, seed: 9, copies: 3)
        #expect(a.returns == b.returns && a.lengths == b.lengths)
    }
}
