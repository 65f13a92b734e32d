import Model

/// Bootstrap target of CQL-Sable (spec §4.2).
public enum CQLTarget: String, Codable, Sendable, CaseIterable {
    /// max over legal actions of Q'.
    case max
    /// Q' at the next dataset action.
    case sarsa
}

/// Normalisation groups of the ICQ batch softmaxes (spec §4.4).
public enum ICQGrouping: String, Codable, Sendable, CaseIterable {
    /// One group per task (the task's sub-batch).
    case perTask
    /// One group for the whole batch.
    case wholeBatch
}

/// How per-token loss terms are reduced (spec §4.4).
public enum LossReduction: String, Codable, Sendable, CaseIterable {
    /// Eq. 1: mean over each task's valid tokens, then mean over present tasks.
    case perTaskMean
    /// One masked mean over all valid tokens of the batch (ablations, diagnostics).
    case maskedMean
}

/// Loss hyperparameters (spec §4, §6). The HL-Gauss support is used when the model has K > 1.
public struct LossConfig: Codable, Equatable, Sendable {
    public var kind: LossKind
    /// Number of tasks M (task indices of the batch are 0..<M).
    public var taskCount: Int
    public var gamma: Float = 0.99
    /// c_Q (Oryx critic weight; also the TD weight of CQL).
    public var criticCoefficient: Float = 1
    /// α_v and α_π of ICQ.
    public var valueTemperature: Float = 1000
    public var policyTemperature: Float = 0.1
    /// α_CQL.
    public var cqlWeight: Float = 3
    public var cqlTarget: CQLTarget = .max
    /// HL-Gauss support and smoothing (spec §5).
    public var valueMin: Double = 0
    public var valueMax: Double = 1
    public var sigmaRatio: Double = 0.75
    public var icqGrouping: ICQGrouping = .perTask
    public var reduction: LossReduction = .perTaskMean
    /// false: absent agent slots count as real tokens (the "no masking" ablation of spec §7).
    public var masksAbsentAgents: Bool = true

    public init(kind: LossKind, taskCount: Int = 1) {
        self.kind = kind
        self.taskCount = taskCount
    }

    /// HL-Gauss bin centres for a Q head of `bins` bins (empty for scalar Q); pass them to
    /// `SableNetwork` and `SablePolicy`.
    public func binCenters(bins: Int) -> [Float] {
        bins > 1 ? HLGauss(valueMin: valueMin, valueMax: valueMax, binCount: bins, sigmaRatio: sigmaRatio).centers : []
    }
}
