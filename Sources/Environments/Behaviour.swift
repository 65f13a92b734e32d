/// Who chooses the actions a dataset records (and `env run --policy` plays).
public enum BehaviourKind: String, CaseIterable, Sendable, Codable {
    /// The scripted planner with the whole state in view (task assignment, search over the whole
    /// grid, central ordering of moves): an upper reference that no observation-based policy can
    /// follow on RWARE or Connector.
    case oracle
    /// A scripted policy per agent whose decisions depend only on that agent's observation row,
    /// its legal mask, the task's fixed layout, and its memory of its own past observations.
    case observed

    /// The behaviour `collect` and `env run` use when none is named: the observed one where it passed
    /// the learnability check (behaviour cloning reaches ≥ 70 % of its return; README).
    public static func `default`(for kind: EnvironmentKind) -> BehaviourKind {
        switch kind {
        case .rware, .connector: .observed
        case .lbf: .oracle
        }
    }
}

/// A per-agent policy that sees only what its agent sees: the agent's observation row, its legal
/// mask and what it remembers of its own earlier observations in the episode. It gets no access to
/// the environment's state; the task's fixed constants (grid size, layout, goal cells) may be
/// given at construction, as a learner can infer them from positions it observes.
public protocol ObservationPolicy: AnyObject {
    /// Forgets what copy `copy`'s agents remember; call when that copy starts an episode.
    func reset(copy: Int)

    /// Writes each agent's action, chosen from that agent's own observation row and legal mask
    /// (and its memory) only. Layouts: observations `(copies, N, obsSize)`, legal `(copies, N, A)`
    /// as 0/1, actions `(copies, N)`. Every action written is legal.
    func act(observations: [Float], legal: [UInt8], into actions: inout [Int32])
}

extension TaskSpec {
    /// The observation-based behaviour of this task's environment, for `copies` copies.
    public func makeObservationPolicy(copies: Int) -> any ObservationPolicy {
        switch parameters {
        case .rware(let p): RWAREObservedPolicy(parameters: p, copies: copies)
        case .lbf(let p): LBFObservedPolicy(parameters: p, copies: copies)
        case .connector(let p): ConnectorObservedPolicy(parameters: p, copies: copies)
        }
    }
}

/// Plays a behaviour on a batched environment: every copy's joint action at exploration ε (each
/// agent, with probability ε, a uniformly random legal action instead).
public final class BehaviourDriver: BatchedBehaviour {
    public let kind: BehaviourKind
    private let environment: any BatchedEnvironment
    private let policy: (any ObservationPolicy)?

    public init(kind: BehaviourKind, task: TaskSpec, environment: any BatchedEnvironment) {
        self.kind = kind
        self.environment = environment
        policy = kind == .observed ? task.makeObservationPolicy(copies: environment.copyCount) : nil
    }

    /// Call after `environment.reset(copy:seed:)`: the observed policy forgets that copy.
    public func didReset(copy: Int) { policy?.reset(copy: copy) }

    /// The joint actions of every copy. `observations` and `legal` must be the environment's current ones.
    public func actions(observations: [Float], legal: [UInt8], epsilon: Double, rng: inout SplitMixGenerator,
                        into actions: inout [Int32]) {
        guard let policy else {
            environment.heuristicActions(epsilon: epsilon, rng: &rng, into: &actions)
            return
        }
        policy.act(observations: observations, legal: legal, into: &actions)
        guard epsilon > 0 else { return }
        let a = environment.actionCount
        for slot in actions.indices where rng.nextUnit() < epsilon {
            let mask = legal[(slot * a)..<((slot + 1) * a)]
            let count = mask.reduce(0) { $0 + Int($1) }
            guard count > 0 else { continue }
            var pick = rng.nextInt(below: count)
            for k in 0..<a where mask[slot * a + k] != 0 {
                if pick == 0 { actions[slot] = Int32(k); break }
                pick -= 1
            }
        }
    }
}
