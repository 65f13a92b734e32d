/// Generalised advantage estimation GAE(λ) per agent, backwards in time (spec online-sable.md §1.5).
///
/// For t = T−1 … 0, with Â_T = 0 and V_T the rollout's bootstrap values:
/// δ_t = r_t + γ·V_{t+1}·(1 − first[t+1]) − V_t, Â_t = δ_t + γλ·(1 − first[t+1])·Â_{t+1},
/// G_t = Â_t + V_t. An episode end by time limit counts as a termination (no bootstrap across it,
/// Mava's behaviour, pitfall P5): `first` does not tell the two apart.
public struct AdvantageEstimator: Sendable, Equatable {
    /// γ.
    public var discount: Float
    /// λ.
    public var lambda: Float

    /// γ = 0.99, λ = 0.95 (spec §1.9).
    public init(discount: Float = 0.99, lambda: Float = 0.95) {
        self.discount = discount
        self.lambda = lambda
    }

    /// Writes `rollout.advantages` and `rollout.returns` from its rewards, values, `first` flags
    /// and bootstrap values; allocates nothing.
    public func estimate(_ rollout: Rollout) {
        let n = rollout.agents, steps = rollout.steps
        rollout.rewards.withUnsafeBufferPointer { r in
            rollout.values.withUnsafeBufferPointer { v in
                rollout.first.withUnsafeBufferPointer { first in
                    rollout.bootstrapValues.withUnsafeBufferPointer { bootstrap in
                        rollout.advantages.withUnsafeMutableBufferPointer { adv in
                            rollout.returns.withUnsafeMutableBufferPointer { ret in
                                for e in 0..<rollout.envs {
                                    for i in 0..<n {
                                        var nextValue = bootstrap[e * n + i], nextAdvantage: Float = 0
                                        for t in stride(from: steps - 1, through: 0, by: -1) {
                                            let k = rollout.token(env: e, step: t, agent: i)
                                            let continues: Float = first[rollout.firstIndex(env: e, step: t + 1)] != 0 ? 0 : 1
                                            let delta = r[k] + discount * nextValue * continues - v[k]
                                            nextAdvantage = delta + discount * lambda * continues * nextAdvantage
                                            adv[k] = nextAdvantage
                                            ret[k] = nextAdvantage + v[k]
                                            nextValue = v[k]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
