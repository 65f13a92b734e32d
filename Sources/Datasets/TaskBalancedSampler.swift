import TensorCore

/// Fills slot-shuffled `AgentBatch`es, padded or compact, with windows of T steps from per-task datasets
/// (spec §1.2, §1.3, §7).
///
/// A window of entry (task τ, index k) at update u starts at a step drawn uniformly from
/// `0...S_τ − T` by the stream (seed, "window", u, τ, k); windows may cross episode boundaries.
/// Per token, slot j of a sample holds original agent a = π[j] (π from the shuffle option):
/// observation row `[onehot_N(a), obs features, zeros]`, the dataset action and legal mask, and the
/// team reward; a ≥ n_τ is an absent slot: zero row (ID included), action 0, reward 0, all legal,
/// agent mask 0; a compact batch leaves such slots out. `resets[t] = 1` iff the previous stored step ended an episode (terminal or
/// truncated, P24), computed on the stored axis: `done[0] = 0` (spec §1.2, P6).
///
/// Properties: a row depends only on (seed, u, its plan entry), never on which other entries are
/// filled or on the rank count; the same permutation moves observations, IDs, actions, rewards,
/// legal masks and agent mask together.
public final class TaskBalancedSampler: @unchecked Sendable {
    /// The tasks, in the trainer's order (plan task index = position here).
    public let datasets: [DatasetFile]
    public let configuration: SamplerConfiguration
    /// N (N_max when padding).
    public let agentSlots: Int
    /// Observation features per slot (after padding).
    public let featureSize: Int
    /// A, shared by all tasks.
    public let actionCount: Int
    private let root: RandomStream

    /// - Throws: `DatasetError.incompatibleTasks` (no tasks, different action counts, shapes that
    ///   need padding with padding off, slots too few) or `.taskTooShort` (fewer than T stored steps).
    public init(datasets: [DatasetFile], configuration: SamplerConfiguration) throws {
        guard let first = datasets.first else { throw DatasetError.incompatibleTasks(reason: "no datasets given") }
        guard configuration.timeSteps >= 1 else {
            throw DatasetError.incompatibleTasks(reason: "window length T is \(configuration.timeSteps), expected >= 1")
        }
        let tasks = datasets.map(\.metadata.task)
        let slots = configuration.agentSlots ?? tasks.map(\.agentCount).max()!
        let features = configuration.featureSize ?? tasks.map(\.observationSize).max()!
        for (d, task) in zip(datasets, tasks) {
            if task.actionCount != first.metadata.task.actionCount {
                throw DatasetError.incompatibleTasks(
                    reason:
                        "task \(task.id) has \(task.actionCount) actions, task \(first.metadata.task.id) has \(first.metadata.task.actionCount); mix tasks of one environment only"
                )
            }
            if task.agentCount > slots || task.observationSize > features {
                throw DatasetError.incompatibleTasks(
                    reason:
                        "task \(task.id) has \(task.agentCount) agents × \(task.observationSize) features, more than the \(slots) slots × \(features) features configured; raise agentSlots/featureSize"
                )
            }
            if !configuration.usesPadding && (task.agentCount != slots || task.observationSize != features) {
                throw DatasetError.incompatibleTasks(
                    reason:
                        "padding is off but task \(task.id) has \(task.agentCount) agents × \(task.observationSize) features, not \(slots) × \(features); turn padding on or train on tasks of one shape"
                )
            }
            if d.metadata.stepCount < configuration.timeSteps {
                throw DatasetError.taskTooShort(
                    task: task.id, steps: d.metadata.stepCount, windowLength: configuration.timeSteps)
            }
        }
        self.datasets = datasets
        self.configuration = configuration
        agentSlots = slots
        featureSize = features
        actionCount = first.metadata.task.actionCount
        root = RandomStream(seed: configuration.seed)
    }

    /// D_o = N + F: the agent-ID one-hot, then the features.
    public var inputSize: Int { agentSlots + featureSize }

    /// Stored steps per task (the sizes for `BatchingMode.proportional`).
    public var taskSizes: [Int] { datasets.map(\.metadata.stepCount) }

    /// The plan of update `update` for this sampler's tasks.
    public func plan(mode: BatchingMode, update: Int, batchSize: Int) -> TaskBalancedPlan {
        TaskBalancedPlan(
            mode: mode, seed: configuration.seed, update: update, batchSize: batchSize, taskSizes: taskSizes)
    }

    /// An empty batch of `batchSize` samples with this sampler's sizes.
    public func makeBatch(batchSize: Int) -> AgentBatch {
        AgentBatch(
            batchSize: batchSize, timeSteps: configuration.timeSteps, agentSlots: agentSlots, inputSize: inputSize,
            actionCount: actionCount)
    }

    /// First stored step of the window of `entry` at `update`.
    public func windowStart(update: Int, entry: PlanEntry) -> Int {
        var rng = root.derived("window", update, entry.task, entry.indexInTask)
        return rng.nextInt(below: datasets[entry.task].metadata.stepCount - configuration.timeSteps + 1)
    }

    /// π for `entry` at `update`: slot j holds original agent π[j] (identity when shuffling is off).
    public func slotPermutation(update: Int, entry: PlanEntry) -> [Int] {
        switch configuration.shuffle {
        case .off: return Array(0..<agentSlots)
        case .perUpdate: return permutation(root.derived("agent-shuffle", update))
        case .perSample: return permutation(root.derived("agent-shuffle", update, entry.task, entry.indexInTask))
        }
    }

    /// Fills `batch` sample k with plan entry `plan.entries[range.lowerBound + k]` (a rank's share).
    public func fill(_ batch: inout AgentBatch, plan: TaskBalancedPlan, range: Range<Int>) {
        fill(&batch, update: plan.update, entries: Array(plan.entries[range]))
    }

    /// Fills `batch` sample k with `entries[k]` at `update`; `batch.batchSize` must equal `entries.count`.
    /// With `AgentLayout.compact` sample k keeps only the slots of real agents (see `columns`).
    public func fill(_ batch: inout AgentBatch, update: Int, entries: [PlanEntry]) {
        precondition(
            batch.batchSize == entries.count && batch.timeSteps == configuration.timeSteps
                && batch.agentSlots == agentSlots && batch.inputSize == inputSize && batch.actionCount == actionCount,
            "batch (B \(batch.batchSize), T \(batch.timeSteps), N \(batch.agentSlots), D \(batch.inputSize), A \(batch.actionCount)) does not match \(entries.count) entries, T \(configuration.timeSteps), N \(agentSlots), D \(inputSize), A \(actionCount)"
        )
        let shared =
            configuration.shuffle == .perSample
            ? nil : slotPermutation(update: update, entry: PlanEntry(task: 0, indexInTask: 0))
        let permutations = entries.map { entry in
            precondition(
                (0..<datasets.count).contains(entry.task), "plan entry task \(entry.task) outside 0..<\(datasets.count)"
            )
            return shared ?? slotPermutation(update: update, entry: entry)
        }
        let columns = zip(entries, permutations).map { self.columns(task: $0.task, permutation: $1) }
        batch.setColumns(columns)
        for (row, entry) in entries.enumerated() {
            fillRow(
                &batch, row: row, entry: entry, start: windowStart(update: update, entry: entry),
                permutation: permutations[row], columns: columns[row])
        }
    }

    /// The padded slots sample rows of `task` keep under `permutation`, ascending: all N slots, or
    /// (compact) those holding a real agent, π[j] < n_τ.
    func columns(task: Int, permutation: [Int]) -> [Int] {
        switch configuration.agentLayout {
        case .padded: return Array(0..<agentSlots)
        case .compact:
            let n = datasets[task].metadata.task.agentCount
            return (0..<agentSlots).filter { permutation[$0] < n }
        }
    }

    private func permutation(_ stream: RandomStream) -> [Int] {
        var rng = stream
        var order = Array(0..<agentSlots)
        for i in stride(from: agentSlots - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        return order
    }
}
