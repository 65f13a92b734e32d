/// Chooses the joint action of every copy of a batched environment, step by step: a scripted
/// behaviour (`BehaviourDriver`) or a learned policy. Recorders call `didReset` after resetting a
/// copy and `actions` once per step of all copies.
public protocol BatchedBehaviour: AnyObject {
    /// Call after `environment.reset(copy:seed:)`: the behaviour forgets that copy's episode.
    func didReset(copy: Int)

    /// The joint actions of every copy, `(copies, N)`, each legal. `observations` `(copies, N,
    /// features)` and `legal` `(copies, N, A)` must be the environment's current ones; `epsilon` and
    /// `rng` drive scripted exploration (a behaviour without ε may require 0 and ignore `rng`).
    func actions(observations: [Float], legal: [UInt8], epsilon: Double, rng: inout SplitMixGenerator,
                 into actions: inout [Int32])
}
