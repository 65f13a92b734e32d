/// One training minibatch of B windows (spec §1.3, §1.4, §7), row-major, in one of two layouts:
///
/// * **padded**: every sample has N = `agentSlots` token columns per timestep, absent agents
///   included (zero observation row with no ID, action 0, reward 0, all actions legal, mask 0);
/// * **compact** (ragged): sample b has only its n_b real agents per timestep, in the order they
///   hold in the padded layout; `slots` says which padded slot each column came from.
///
/// Sample b occupies the T·n_b consecutive token rows `rows(ofSample: b)`, time-major: the
/// row t·n_b + c of them is timestep t, column c. Shapes: observations `(rows, D_o)` with the
/// agent-ID one-hot (length N) in front of the features; actions, rewards `(rows)`; legal
/// `(rows, A)` (1 = legal); resets `(B, T)` (1 = first step of a new episode, the shifted terminal of
/// spec §1.2); agentMask `(B, N)`, entry b·N + c for column c < n_b (1 = real agent; 0 beyond n_b);
/// slots `(B, N)`, entry b·N + c = the padded slot of column c; taskIndex `(B)` (position of the
/// sample's task in the trainer's task list, 0..<M). The token arrays hold room for B·T·N rows.
///
/// Properties: with every n_b = N the layout is the padded one and `slots` is the identity; the
/// padded token position of row (b, t, c) is t·N + slots[b·N + c] in either layout.
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
    /// n_b: token columns (agents per timestep) of each sample.
    public private(set) var agentCounts: [Int]
    /// Padded slot of each column, (B, N); entries beyond n_b are unused.
    public private(set) var slots: [Int32]
    /// First token row of each sample and, last, the row count (B + 1 values).
    private var rowStarts: [Int]

    /// A zeroed padded batch of the given sizes (every slot absent, every action legal).
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
        agentCounts = [Int](repeating: agentSlots, count: batchSize)
        slots = (0..<(batchSize * agentSlots)).map { Int32($0 % max(1, agentSlots)) }
        rowStarts = (0...batchSize).map { $0 * timeSteps * agentSlots }
    }

    /// Sets the layout: sample b keeps the padded slots `columns[b]` (ascending, each in 0..<N, at
    /// least one), in that order. Token data of the old layout is not moved.
    public mutating func setColumns(_ columns: [[Int]]) {
        precondition(columns.count == batchSize, "\(columns.count) column lists for \(batchSize) samples")
        var row = 0
        for (b, list) in columns.enumerated() {
            precondition(!list.isEmpty && list.count <= agentSlots && list.allSatisfy { (0..<agentSlots).contains($0) }
                         && zip(list, list.dropFirst()).allSatisfy { $0 < $1 },
                         "sample \(b): columns \(list) are not ascending distinct slots of 0..<\(agentSlots)")
            agentCounts[b] = list.count
            for (c, slot) in list.enumerated() { slots[b * agentSlots + c] = Int32(slot) }
            rowStarts[b] = row
            row += timeSteps * list.count
        }
        rowStarts[batchSize] = row
    }

    /// Tokens per sample in the padded layout, T·N.
    public var tokensPerSample: Int { timeSteps * agentSlots }

    /// Token rows in use, T·Σ n_b.
    public var rowCount: Int { rowStarts[batchSize] }

    /// Token rows of sample b (T·n_b of them).
    public func rows(ofSample b: Int) -> Range<Int> { rowStarts[b]..<rowStarts[b + 1] }

    /// Whether every sample has all N columns (the padded layout).
    public var isPadded: Bool { rowCount == batchSize * tokensPerSample }
}
