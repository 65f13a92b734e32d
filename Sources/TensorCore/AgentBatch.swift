/// One padded, slot-shuffled training minibatch (spec §1.3, §1.4, §7), row-major.
///
/// Shapes: observations `(B, T, N, D_o)` with the agent-ID one-hot in front of the features;
/// actions, rewards `(B, T, N)`; resets `(B, T)` (1 = first step of a new episode, the shifted
/// terminal of spec §1.2); legal `(B, T, N, A)` (1 = legal); agentMask `(B, N)` (1 = real agent);
/// taskIndex `(B)` (position of the sample's task in the trainer's task list, 0..<M).
/// Absent slots: zero observation row (ID included), action 0, reward 0, all actions legal.
public struct AgentBatch: @unchecked Sendable {
    public let batchSize: Int
    public let timeSteps: Int
    public let agentSlots: Int
    public let inputSize: Int
    public let actionCount: Int
    public var observations: AlignedBuffer
    public var actions: [Int32]
    public var rewards: [Float]
    public var resets: [Float]
    public var legal: [UInt8]
    public var agentMask: [Float]
    public var taskIndex: [Int32]

    /// A zeroed batch of the given sizes (every slot absent, every action legal).
    public init(batchSize: Int, timeSteps: Int, agentSlots: Int, inputSize: Int, actionCount: Int) {
        self.batchSize = batchSize
        self.timeSteps = timeSteps
        self.agentSlots = agentSlots
        self.inputSize = inputSize
        self.actionCount = actionCount
        let tokens = batchSize * timeSteps * agentSlots
        observations = AlignedBuffer(count: tokens * inputSize)
        actions = [Int32](repeating: 0, count: tokens)
        rewards = [Float](repeating: 0, count: tokens)
        resets = [Float](repeating: 0, count: batchSize * timeSteps)
        legal = [UInt8](repeating: 1, count: tokens * actionCount)
        agentMask = [Float](repeating: 0, count: batchSize * agentSlots)
        taskIndex = [Int32](repeating: 0, count: batchSize)
    }

    /// Tokens per sample, L = T·N.
    public var tokensPerSample: Int { timeSteps * agentSlots }
}
