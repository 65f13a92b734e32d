import TensorCore

/// How a minibatch's B windows are shared among the M training tasks (spec §7.4 and its ablation).
public enum BatchingMode: String, CaseIterable, Sendable {
    /// q = ⌊B/M⌋ windows per task, the r = B − qM extras round-robin (the default).
    case balanced
    /// Each window's task drawn with probability proportional to the task's size.
    case proportional
    /// One task drawn uniformly per update; the whole batch comes from it ("no task balancing").
    case singleTask = "single-task"
}

/// One sample slot of a plan: which task it comes from and its index within that task's share.
public struct PlanEntry: Sendable, Equatable, Hashable {
    /// Position of the task in the trainer's task list, 0..<M.
    public var task: Int
    /// 0..<(windows of this task in this update); names the window's random stream.
    public var indexInTask: Int

    public init(task: Int, indexInTask: Int) {
        self.task = task
        self.indexInTask = indexInTask
    }
}

/// Which task fills each of the B sample slots of one update.
///
/// Entries are ordered by task, then by index within the task, so each task's sub-batch (the ICQ
/// normalisation group of spec §4.4) is contiguous. Every plan is a pure function of its inputs, so
/// every MPI rank computes the same one without communication.
///
/// Properties (balanced): each task gets q or q+1 entries; over any M consecutive updates every
/// task gets exactly B entries in total (the pointer p_u = u·r mod M advances by r each update).
public struct TaskBalancedPlan: Sendable, Equatable {
    public let update: Int
    /// B entries, by task then index.
    public let entries: [PlanEntry]
    /// Entries per task, length M.
    public let countsPerTask: [Int]

    /// The plan for `mode`. `taskSizes` (length M, e.g. stored steps per task) only matters for
    /// `.proportional`; `seed` only for `.proportional` and `.singleTask`.
    public init(mode: BatchingMode, seed: UInt64, update: Int, batchSize: Int, taskSizes: [Int]) {
        switch mode {
        case .balanced: self = .balanced(update: update, batchSize: batchSize, taskCount: taskSizes.count)
        case .proportional: self = .proportional(seed: seed, update: update, batchSize: batchSize, taskSizes: taskSizes)
        case .singleTask:
            self = .singleTask(seed: seed, update: update, batchSize: batchSize, taskCount: taskSizes.count)
        }
    }

    /// A plan from per-task counts.
    public init(update: Int, countsPerTask: [Int]) {
        precondition(countsPerTask.allSatisfy { $0 >= 0 }, "negative task count in \(countsPerTask)")
        self.update = update
        self.countsPerTask = countsPerTask
        entries = countsPerTask.enumerated().flatMap { task, count in
            (0..<count).map { PlanEntry(task: task, indexInTask: $0) }
        }
    }

    /// Balanced plan (spec §7.4): q = ⌊B/M⌋ each; the r = B − qM extras go to tasks
    /// (p_u + k) mod M, k = 0..<r, with p_u = (u·r) mod M (the closed form of p_{u+1} = (p_u + r) mod M, p_0 = 0).
    public static func balanced(update: Int, batchSize: Int, taskCount: Int) -> TaskBalancedPlan {
        precondition(
            taskCount > 0 && batchSize >= 0 && update >= 0,
            "balanced plan needs M > 0, B >= 0, u >= 0; got M \(taskCount), B \(batchSize), u \(update)")
        let q = batchSize / taskCount
        let r = batchSize - q * taskCount
        let pointer = roundRobinPointer(update: update, extras: r, taskCount: taskCount)
        var counts = [Int](repeating: q, count: taskCount)
        for k in 0..<r { counts[(pointer + k) % taskCount] += 1 }
        return TaskBalancedPlan(update: update, countsPerTask: counts)
    }

    /// p_u = (u·r) mod M, computed without overflow.
    public static func roundRobinPointer(update: Int, extras: Int, taskCount: Int) -> Int {
        ((update % taskCount) * (extras % taskCount)) % taskCount
    }

    /// Proportional plan: each slot's task drawn independently with probability size_τ / Σ size
    /// from the stream (seed, "plan-proportional", u).
    public static func proportional(seed: UInt64, update: Int, batchSize: Int, taskSizes: [Int]) -> TaskBalancedPlan {
        let total = taskSizes.reduce(0, +)
        precondition(
            !taskSizes.isEmpty && total > 0 && taskSizes.allSatisfy { $0 >= 0 },
            "proportional plan needs positive total size, got \(taskSizes)")
        var rng = RandomStream(seed: seed).derived("plan-proportional", update)
        var counts = [Int](repeating: 0, count: taskSizes.count)
        for _ in 0..<batchSize {
            var pick = rng.nextInt(below: total)
            var task = 0
            while pick >= taskSizes[task] {
                pick -= taskSizes[task]
                task += 1
            }
            counts[task] += 1
        }
        return TaskBalancedPlan(update: update, countsPerTask: counts)
    }

    /// Single-task plan: one task uniform from the stream (seed, "plan-single-task", u) takes all B slots.
    public static func singleTask(seed: UInt64, update: Int, batchSize: Int, taskCount: Int) -> TaskBalancedPlan {
        precondition(taskCount > 0, "single-task plan needs M > 0")
        var rng = RandomStream(seed: seed).derived("plan-single-task", update)
        var counts = [Int](repeating: 0, count: taskCount)
        counts[rng.nextInt(below: taskCount)] = batchSize
        return TaskBalancedPlan(update: update, countsPerTask: counts)
    }

    /// Number of entries B.
    public var batchSize: Int { entries.count }

    /// The contiguous range of entries rank `rank` of `rankCount` fills: as equal as possible,
    /// the first B mod R ranks one more.
    public func share(rank: Int, of rankCount: Int) -> Range<Int> {
        precondition(rankCount > 0 && (0..<rankCount).contains(rank), "rank \(rank) outside 0..<\(rankCount)")
        let base = batchSize / rankCount
        let extra = batchSize % rankCount
        let start = rank * base + min(rank, extra)
        return start..<(start + base + (rank < extra ? 1 : 0))
    }
}
