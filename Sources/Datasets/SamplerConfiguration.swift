/// How agent slots are shuffled (spec §7.3, P15).
public enum AgentShuffle: String, CaseIterable, Sendable {
    /// One permutation of the N slots per update, shared by the whole batch (the reference's choice).
    case perUpdate
    /// An independent permutation per sample (option).
    case perSample
    /// Natural slot order.
    case off
}

/// Which token columns a filled `AgentBatch` keeps (spec §7.1).
public enum AgentLayout: String, CaseIterable, Sendable {
    /// All N slots per timestep, absent agents as zero rows: what `padding_mode = naive` (the
    /// "no masking" ablation) needs, since there absent tokens take part in retention.
    case padded
    /// Only the real agents, in their padded (shuffled) slot order: under `padding_mode = inert`
    /// the outputs of real agents equal the padded ones, and no work goes to absent slots.
    case compact
}

/// Options of `TaskBalancedSampler`.
public struct SamplerConfiguration: Sendable, Equatable {
    /// Window length T.
    public var timeSteps: Int
    /// N_max: agent slots per sample; nil = the largest agent count of the sampler's tasks. Set it to
    /// cover the test tasks too so evaluation needs no wider input (spec §7.1).
    public var agentSlots: Int?
    /// Observation features per slot; nil = the largest observation size of the tasks.
    public var featureSize: Int?
    /// Zero-pad tasks with fewer agents / features. When false, every task must already have
    /// `agentSlots` agents and `featureSize` features (the sampler refuses otherwise).
    public var usesPadding: Bool
    public var shuffle: AgentShuffle
    /// Padded or compact batches (the agent-ID one-hot is N wide in both).
    public var agentLayout: AgentLayout
    /// Root of every random stream the sampler uses (windows, permutations).
    public var seed: UInt64
    /// Applied to every real agent's observation features (nil: raw observations).
    public var standardiser: ObservationStandardiser?

    public init(
        timeSteps: Int = 20, agentSlots: Int? = nil, featureSize: Int? = nil, usesPadding: Bool = true,
        shuffle: AgentShuffle = .perUpdate, agentLayout: AgentLayout = .padded, seed: UInt64 = 42,
        standardiser: ObservationStandardiser? = nil
    ) {
        self.timeSteps = timeSteps
        self.agentSlots = agentSlots
        self.featureSize = featureSize
        self.usesPadding = usesPadding
        self.shuffle = shuffle
        self.agentLayout = agentLayout
        self.seed = seed
        self.standardiser = standardiser
    }
}
