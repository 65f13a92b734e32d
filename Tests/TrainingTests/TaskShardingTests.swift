import Datasets
import Testing
import Training

/// Each rank's network is sized by `TaskSharding.maxEntries`: no update may give a rank more.
@Suite struct TaskShardingTests {
    @Test("maxEntries bounds every rank's entries in every update, for every batching mode",
          arguments: [(7, 3), (64, 15), (64, 5), (2, 5), (33, 4)])
    func maxEntriesBoundsEveryUpdate(shape: (Int, Int)) {
        let (batchSize, taskCount) = shape
        let costs = (0..<taskCount).map { Double(1 + ($0 * 7) % 5) }
        let sizes = (0..<taskCount).map { 100 + 37 * $0 }
        for rankCount in [1, 2, 3, taskCount, taskCount + 2, 16] {
            for mode in BatchingMode.allCases {
                for rank in 0..<rankCount {
                    let bound = TaskSharding.maxEntries(forRank: rank, rankCount: rankCount, batchSize: batchSize,
                                                        balanced: mode == .balanced, costs: costs)
                    #expect(bound <= batchSize)
                    var most = 0
                    for update in 0..<(3 * taskCount + 7) {
                        let plan = TaskBalancedPlan(mode: mode, seed: 9, update: update, batchSize: batchSize, taskSizes: sizes)
                        let mine = TaskSharding.entries(forRank: rank, rankCount: rankCount,
                                                        entryTasks: plan.entries.map(\.task), costs: costs)
                        most = max(most, mine.count)
                    }
                    #expect(most <= bound, "B \(batchSize) M \(taskCount) R \(rankCount) \(mode) rank \(rank): \(most) > \(bound)")
                    if mode == .balanced {
                        // Tight to within one window per owned task (an extra each).
                        #expect(bound - most <= max(1, taskCount / rankCount + 1), "B \(batchSize) M \(taskCount) R \(rankCount)")
                    }
                }
            }
        }
    }
}
