import Environments

/// The identity and sizes of the task a dataset was recorded on.
public struct TaskDescription: Sendable, Equatable {
    /// Stable task id, e.g. `lbf-8x8-2p-2f-coop`.
    public var id: String
    /// Environment name (`rware`, `lbf`, `connector`).
    public var environment: String
    /// Split name (`train`, `test`, `spare`).
    public var split: String
    /// The task parameters as text, for people (`inspect`).
    public var parameters: String
    /// Agents n_τ.
    public var agentCount: Int
    /// Observation features per agent (no agent-ID one-hot).
    public var observationSize: Int
    /// Discrete actions A.
    public var actionCount: Int

    /// The description of a registered task, as the collector stores it.
    public init(task: TaskSpec) {
        self.init(
            id: task.id, environment: task.kind.rawValue, split: task.split.rawValue,
            parameters: "\(task.parameters)".replacingOccurrences(of: "Environments.", with: ""),
            agentCount: task.agentCount, observationSize: task.observationSize, actionCount: task.actionCount)
    }

    public init(
        id: String, environment: String, split: String, parameters: String, agentCount: Int,
        observationSize: Int, actionCount: Int
    ) {
        self.id = id
        self.environment = environment
        self.split = split
        self.parameters = parameters
        self.agentCount = agentCount
        self.observationSize = observationSize
        self.actionCount = actionCount
    }
}

/// One episode's place on the stored time axis.
public struct EpisodeRecord: Sendable, Equatable {
    /// First step on the stored axis.
    public var start: Int
    /// Number of steps (≥ 1).
    public var length: Int
    /// Undiscounted sum of team rewards.
    public var totalReturn: Double
    /// Behaviour quality stage, 0 (ε = 1) ..< stage count (best, ε = 0.05); for online data the
    /// snapshot index j (row j of the provenance's stage table).
    public var qualityStage: Int

    public init(start: Int, length: Int, totalReturn: Double, qualityStage: Int) {
        self.start = start
        self.length = length
        self.totalReturn = totalReturn
        self.qualityStage = qualityStage
    }
}

/// Per-step flag bits of the `flags` section.
public enum StepFlag {
    /// The episode ended after this step (environment terminal).
    public static let terminal: UInt8 = 1
    /// The episode was cut after this step by the time limit (treated like terminal, spec P24).
    public static let truncated: UInt8 = 2
}

/// A whole dataset in memory: what the writer stores and what `DatasetFile.contents()` returns.
///
/// Shapes (S = steps on the stored axis, episodes back to back, spec §1.1):
/// observations `(S, n, F)`, actions `(S, n)`, legal `(S, n, A)` (1 = legal), rewards `(S)` (team
/// reward), flags `(S)` (`StepFlag` bits), episodes in axis order.
public struct DatasetContents: Sendable, Equatable {
    public var task: TaskDescription
    public var qualityStageCount: Int
    /// The normalisation constant R_ref: the heuristic's reference (or its best stage's mean), or an
    /// online run's R_max.
    public var referenceReturn: Double
    /// γ used for the stored return-to-go range.
    public var discount: Double
    /// The behaviour that made the data and how the reference was measured.
    public var provenance: DatasetProvenance
    public var observations: [Float]
    public var actions: [UInt8]
    public var legal: [UInt8]
    public var rewards: [Float]
    public var flags: [UInt8]
    public var episodes: [EpisodeRecord]

    public init(
        task: TaskDescription, qualityStageCount: Int, referenceReturn: Double, discount: Double = 0.99,
        provenance: DatasetProvenance = .versionOne, observations: [Float], actions: [UInt8], legal: [UInt8], rewards: [Float], flags: [UInt8],
        episodes: [EpisodeRecord]
    ) {
        self.task = task
        self.qualityStageCount = qualityStageCount
        self.referenceReturn = referenceReturn
        self.discount = discount
        self.provenance = provenance
        self.observations = observations
        self.actions = actions
        self.legal = legal
        self.rewards = rewards
        self.flags = flags
        self.episodes = episodes
    }

    /// Steps S on the stored axis.
    public var stepCount: Int { rewards.count }

    /// Appends `other`'s episodes (same task) behind this dataset's, as quality stage `stage`.
    public mutating func append(episodesOf other: DatasetContents, stage: Int) {
        let offset = stepCount
        episodes += other.episodes.map {
            EpisodeRecord(start: $0.start + offset, length: $0.length, totalReturn: $0.totalReturn, qualityStage: stage)
        }
        observations += other.observations
        actions += other.actions
        legal += other.legal
        rewards += other.rewards
        flags += other.flags
    }

    /// Min and max over all steps of the discounted return-to-go
    /// `g[t] = r[t] + γ·(1 − end[t])·g[t+1]` (end = terminal or truncated), for HL-Gauss supports (§5).
    public func returnToGoRange() -> (min: Double, max: Double) {
        guard !rewards.isEmpty else { return (0, 0) }
        var low = Double.infinity
        var high = -Double.infinity
        var g = 0.0
        for t in stride(from: rewards.count - 1, through: 0, by: -1) {
            g = Double(rewards[t]) + (flags[t] != 0 ? 0 : discount * g)
            low = min(low, g)
            high = max(high, g)
        }
        return (low, high)
    }

    /// Checks that every array matches the sizes and the episode index tiles the axis.
    /// - Throws: `DatasetError.inconsistentContents` or `.badField` naming the first problem.
    public func validate() throws {
        let s = stepCount
        let n = task.agentCount
        func expect(_ field: String, _ found: Int, _ expected: Int) throws {
            if found != expected {
                throw DatasetError.inconsistentContents(field: field, found: found, expected: expected)
            }
        }
        try expect("observations", observations.count, s * n * task.observationSize)
        try expect("actions", actions.count, s * n)
        try expect("legal", legal.count, s * n * task.actionCount)
        try expect("flags", flags.count, s)
        var next = 0
        for (e, episode) in episodes.enumerated() {
            try expect("episodes[\(e)].start", episode.start, next)
            if episode.length < 1 { try expect("episodes[\(e)].length", episode.length, 1) }
            if !(0..<qualityStageCount).contains(episode.qualityStage) {
                try expect("episodes[\(e)].qualityStage", episode.qualityStage, qualityStageCount - 1)
            }
            next += episode.length
            if next <= s {
                for t in episode.start..<next where (flags[t] != 0) != (t == next - 1) || flags[t] > 3 {
                    try expect("flags[\(t)] (episode \(e) ends at \(next - 1))", Int(flags[t]), t == next - 1 ? 1 : 0)
                }
            }
        }
        try expect("sum of episode lengths", next, s)
        if !provenance.stages.isEmpty { try expect("stage-table rows", provenance.stages.count, qualityStageCount) }
        if let bad = actions.firstIndex(where: { Int($0) >= task.actionCount }) {
            try expect("action at \(bad)", Int(actions[bad]), task.actionCount - 1)
        }
        if let bad = rewards.firstIndex(where: { !$0.isFinite }) { try expect("finite reward at step \(bad)", 0, 1) }
        if let bad = observations.firstIndex(where: { !$0.isFinite }) {
            try expect("finite observation at \(bad)", 0, 1)
        }
    }
}
