/// The three environments of the paper's datasets.
public enum EnvironmentKind: String, CaseIterable, Sendable, Codable {
    case rware, lbf, connector
}

/// Which side of the multi-task split a task is on.
public enum TaskSplit: String, CaseIterable, Sendable, Codable {
    case train, test
    /// Known to the trace generator and the registry, in neither split.
    case spare
}

/// Every parameter that defines one task, per environment.
public enum TaskParameters: Sendable, Equatable {
    case rware(RWAREParameters)
    case lbf(LBFParameters)
    case connector(ConnectorParameters)
}

/// One named task: its stable id, environment, split and sizes as the learner sees them.
public struct TaskSpec: Sendable, Equatable {
    /// Stable id, e.g. `rware-tiny-2ag`, `lbf-8x8-2p-2f-coop`, `con-7x7x5a`.
    public let id: String
    public let split: TaskSplit
    public let parameters: TaskParameters

    public init(id: String, split: TaskSplit, parameters: TaskParameters) {
        self.id = id
        self.split = split
        self.parameters = parameters
    }

    public var kind: EnvironmentKind {
        switch parameters {
        case .rware: .rware
        case .lbf: .lbf
        case .connector: .connector
        }
    }

    /// Agents N.
    public var agentCount: Int {
        switch parameters {
        case .rware(let p): p.agentCount
        case .lbf(let p): p.agentCount
        case .connector(let p): p.agentCount
        }
    }

    /// Length of one agent's observation vector (without any agent-id one-hot).
    public var observationSize: Int {
        switch parameters {
        case .rware(let p): p.observationSize
        case .lbf(let p): p.observationSize
        case .connector(let p): p.observationSize
        }
    }

    /// Discrete actions per agent.
    public var actionCount: Int {
        switch parameters {
        case .rware: 5
        case .lbf: 6
        case .connector: 5
        }
    }

    /// Episode step limit.
    public var timeLimit: Int {
        switch parameters {
        case .rware(let p): p.timeLimit
        case .lbf(let p): p.timeLimit
        case .connector(let p): p.timeLimit
        }
    }

    /// Whether an episode's return can be negative: Connector's per-step reward is −0.03 until an
    /// agent connects, LBF's only with a load penalty (the registry's tasks have none), RWARE only
    /// rewards deliveries. Decides which normalisation `auto` picks.
    public var rewardsCanBeNegative: Bool {
        switch parameters {
        case .rware: false
        case .lbf(let p): p.penalty > 0
        case .connector(let p): p.timestepReward < 0 || p.connectedReward < 0
        }
    }

    /// A batch of `copies` independent instances of this task, stepping together.
    public func makeBatch(copies: Int) -> any BatchedEnvironment {
        switch parameters {
        case .rware(let p): RWAREBatch(parameters: p, copies: copies)
        case .lbf(let p): LBFBatch(parameters: p, copies: copies)
        case .connector(let p): ConnectorBatch(parameters: p, copies: copies)
        }
    }
}
