/// Which rank samples which entries of a minibatch plan (issue #7).
///
/// With R ≤ M ranks, whole tasks go to ranks, balanced by cost (agents × observation size ×
/// samples) with a longest-processing-time-first greedy; with R > M, the plan's entries, ordered
/// by task, are cut into R contiguous runs of nearly equal length, so a task can be split between
/// neighbouring ranks. Both are pure functions of their inputs: every rank computes the same answer.
public enum TaskSharding {
    /// Owner rank of each task when tasks are not split (R ≤ M). `costs[τ]` is task τ's cost per sample.
    public static func taskOwners(costs: [Double], rankCount: Int) -> [Int] {
        precondition(rankCount >= 1 && !costs.isEmpty, "taskOwners needs ranks and tasks")
        var load = [Double](repeating: 0, count: rankCount)
        var owner = [Int](repeating: 0, count: costs.count)
        // Heaviest first; ties by task index so the result is deterministic.
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        for task in order {
            let rank = load.indices.min { load[$0] != load[$1] ? load[$0] < load[$1] : $0 < $1 }!
            owner[task] = rank
            load[rank] += costs[task]
        }
        return owner
    }

    /// Indices into `entryTasks` (the task of each plan entry) that `rank` of `rankCount` samples.
    /// - Parameters:
    ///   - entryTasks: the task index of every entry of the update's plan.
    ///   - costs: cost per sample of each task (used when tasks are not split).
    public static func entries(forRank rank: Int, rankCount: Int, entryTasks: [Int], costs: [Double]) -> [Int] {
        let taskCount = costs.count
        if rankCount <= taskCount {
            let owners = taskOwners(costs: costs, rankCount: rankCount)
            return entryTasks.indices.filter { owners[entryTasks[$0]] == rank }
        }
        let ordered = entryTasks.indices.sorted { entryTasks[$0] != entryTasks[$1] ? entryTasks[$0] < entryTasks[$1] : $0 < $1 }
        let n = ordered.count
        let start = n * rank / rankCount
        let end = n * (rank + 1) / rankCount
        return Array(ordered[start..<end])
    }

    /// The most plan entries rank `rank` can get in any update, to size its network: ⌈B/R⌉ when
    /// tasks are split (R > M); with whole tasks, (q + 1) per owned task under balanced batching
    /// (q = ⌊B/M⌋), else B (a proportional or single-task plan can put the whole batch on one
    /// task). Never more than B.
    public static func maxEntries(forRank rank: Int, rankCount: Int, batchSize: Int, balanced: Bool, costs: [Double]) -> Int {
        let taskCount = costs.count
        if rankCount > taskCount { return (batchSize + rankCount - 1) / rankCount }
        guard balanced else { return batchSize }
        let owned = taskOwners(costs: costs, rankCount: rankCount).filter { $0 == rank }.count
        return min(batchSize, owned * (batchSize / taskCount + 1))
    }
}
