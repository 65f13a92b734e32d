import Online
import Testing

/// GAE against hand-computed cases (spec online-sable.md §1.5, pitfalls P3, P5).
@Suite struct AdvantageEstimatorTests {
    /// One env, T = 4, two agents with the same values (agent 1's rewards doubled), an episode
    /// start at t = 2; γ = λ = 0.5 so γλ = 0.25.
    static func rollout(bootstrapFirst: UInt8) -> Rollout {
        let r = Rollout(envs: 1, steps: 4, agents: 2, inputSize: 1, actionCount: 2)
        let rewards: [Float] = [1, 2, 3, 4], values: [Float] = [0.5, 1, 1.5, 2]
        for t in 0..<4 {
            for i in 0..<2 {
                r.rewards[r.token(env: 0, step: t, agent: i)] = rewards[t] * Float(i + 1)
                r.values[r.token(env: 0, step: t, agent: i)] = values[t]
            }
        }
        r.first = [1, 0, 1, 0, bootstrapFirst]
        r.bootstrapValues = [4, 4]
        return r
    }

    /// Bootstrap continues (first[4] = 0). Agent 0 by hand:
    /// t3: δ = 4 + 0.5·4 − 2 = 4, Â = 4;  t2: δ = 3 + 0.5·2 − 1.5 = 2.5, Â = 2.5 + 0.25·4 = 3.5;
    /// t1: first[2] = 1 so δ = 2 − 1 = 1, Â = 1;  t0: δ = 1 + 0.5·1 − 0.5 = 1, Â = 1 + 0.25·1 = 1.25.
    /// Agent 1 (rewards 2, 4, 6, 8): t3: δ = 8, Â = 8; t2: δ = 5.5, Â = 7.5; t1: δ = 3, Â = 3;
    /// t0: δ = 2, Â = 2.75.
    @Test func bootstrapAndEpisodeStartInside() {
        let r = Self.rollout(bootstrapFirst: 0)
        AdvantageEstimator(discount: 0.5, lambda: 0.5).estimate(r)
        let expected: [[Float]] = [[1.25, 1, 3.5, 4], [2.75, 3, 7.5, 8]]
        let values: [Float] = [0.5, 1, 1.5, 2]
        for i in 0..<2 {
            for t in 0..<4 {
                let k = r.token(env: 0, step: t, agent: i)
                #expect(abs(r.advantages[k] - expected[i][t]) < 1e-6, "agent \(i) t \(t): Â \(r.advantages[k])")
                #expect(abs(r.returns[k] - (expected[i][t] + values[t])) < 1e-6, "agent \(i) t \(t): G \(r.returns[k])")
            }
        }
    }

    /// The last step ended the episode (terminated or truncated: first[4] = 1), so V_T is not used.
    /// Agent 0: t3: δ = 4 − 2 = 2, Â = 2; t2: δ = 2.5, Â = 2.5 + 0.25·2 = 3; t1, t0 as before.
    @Test func episodeEndAtTheRolloutEndDoesNotBootstrap() {
        let r = Self.rollout(bootstrapFirst: 1)
        AdvantageEstimator(discount: 0.5, lambda: 0.5).estimate(r)
        let expected: [Float] = [1.25, 1, 3, 2]
        for t in 0..<4 {
            let k = r.token(env: 0, step: t, agent: 0)
            #expect(abs(r.advantages[k] - expected[t]) < 1e-6, "t \(t): Â \(r.advantages[k])")
        }
    }

    /// Envs are independent: env 1 holds env 0's data shifted by a constant reward, and env 0's
    /// result does not move.
    @Test func envsDoNotLeakIntoEachOther() {
        let one = Self.rollout(bootstrapFirst: 0)
        AdvantageEstimator(discount: 0.5, lambda: 0.5).estimate(one)
        let two = Rollout(envs: 2, steps: 4, agents: 2, inputSize: 1, actionCount: 2)
        for e in 0..<2 {
            for k in 0..<8 {
                two.rewards[e * 8 + k] = one.rewards[k] + Float(e) * 10
                two.values[e * 8 + k] = one.values[k]
            }
            for t in 0...4 { two.first[two.firstIndex(env: e, step: t)] = one.first[t] }
        }
        two.bootstrapValues = [4, 4, 4, 4]
        AdvantageEstimator(discount: 0.5, lambda: 0.5).estimate(two)
        #expect(Array(two.advantages[0..<8]) == one.advantages)
        #expect(Array(two.advantages[8..<16]) != one.advantages)
    }
}
