/// Loss values of one update (spec §4.4). Per-task terms are this process's sums divided by the
/// global token counts of the task, so adding the reports of all ranks gives the global values.
public struct LossReport: Sendable, Equatable {
    /// Per task τ: critic / TD term L_τ (m_td tokens), policy or BC term (m tokens), CQL penalty (m_td tokens).
    public var critic: [Double]
    public var policy: [Double]
    public var conservative: [Double]
    /// The reduced objective (Eq. 1, or the plain masked mean) with c_Q / α_CQL applied.
    public var total: Double
    /// Reduced terms without weights (mean over present tasks, or plain masked means).
    public var criticMean: Double
    public var policyMean: Double
    public var conservativeMean: Double
    /// Present agent-tokens of the batch (policy mask m: T·n summed over samples).
    public var agentTokens: Int = 0
    /// Of those, tokens whose greedy action before the update is the dataset action.
    public var actionMatches: Int = 0
    /// Agent-token rows the network computed: `agentTokens` on compact batches, B·T·N_max on padded ones.
    public var computedTokens: Int = 0

    /// actionMatches / agentTokens: how often the policy picks the dataset's action.
    public var actionAccuracy: Double { agentTokens > 0 ? Double(actionMatches) / Double(agentTokens) : 0 }

    /// Whether every term and the total are finite numbers.
    public var isFinite: Bool { total.isFinite && (critic + policy + conservative).allSatisfy(\.isFinite) }

    /// The terms that are not finite, with their task names: "critic (task-a, task-b), policy (task-a)".
    public func nonFiniteTerms(taskNames: [String]) -> String {
        let terms = [("critic", critic), ("policy", policy), ("cql", conservative)].compactMap { name, values -> String? in
            let bad = values.indices.filter { !values[$0].isFinite }.map { $0 < taskNames.count ? taskNames[$0] : "task \($0)" }
            return bad.isEmpty ? nil : "\(name) (\(bad.joined(separator: ", ")))"
        }
        return terms.isEmpty ? (total.isFinite ? "none" : "the total") : terms.joined(separator: ", ")
    }

    /// The weighted per-task objective: c_Q·critic + policy + α_CQL·conservative.
    public func taskTotal(_ task: Int, criticCoefficient: Double, cqlWeight: Double) -> Double {
        criticCoefficient * critic[task] + policy[task] + cqlWeight * conservative[task]
    }

    /// Every value in one array (per-task terms, then the scalars), so reports of all ranks add up
    /// with one all-reduce; `init(flattened:taskCount:)` reads it back.
    public var flattened: [Double] {
        critic + policy + conservative
            + [total, criticMean, policyMean, conservativeMean, Double(agentTokens), Double(actionMatches), Double(computedTokens)]
    }

    /// A report from `flattened` values of `taskCount` tasks.
    public init(flattened v: [Double], taskCount m: Int) {
        precondition(v.count == 3 * m + 7, "a flattened report of \(m) tasks has \(3 * m + 7) values, not \(v.count)")
        self.init(critic: Array(v[0..<m]), policy: Array(v[m..<(2 * m)]), conservative: Array(v[(2 * m)..<(3 * m)]),
                  total: v[3 * m], criticMean: v[3 * m + 1], policyMean: v[3 * m + 2], conservativeMean: v[3 * m + 3],
                  agentTokens: Int(v[3 * m + 4]), actionMatches: Int(v[3 * m + 5]), computedTokens: Int(v[3 * m + 6]))
    }

    public init(critic: [Double], policy: [Double], conservative: [Double], total: Double, criticMean: Double,
                policyMean: Double, conservativeMean: Double, agentTokens: Int = 0, actionMatches: Int = 0, computedTokens: Int = 0) {
        self.critic = critic
        self.policy = policy
        self.conservative = conservative
        self.total = total
        self.criticMean = criticMean
        self.policyMean = policyMean
        self.conservativeMean = conservativeMean
        self.agentTokens = agentTokens
        self.actionMatches = actionMatches
        self.computedTokens = computedTokens
    }
}
