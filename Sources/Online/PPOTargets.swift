/// What the PPO loss compares a minibatch's new outputs with, one entry per token row (in the
/// network's row order): the action taken, its log-probability and value when acting, and the
/// GAE advantage Â and return target G (spec online-sable.md §1.4–§1.6). Allocated once for
/// `capacity` rows; `count` rows are in use.
public struct PPOTargets: Sendable {
    public var count: Int
    public var actions: [Int32]
    public var oldLogProbs: [Float]
    public var oldValues: [Float]
    public var advantages: [Float]
    public var returns: [Float]

    public init(capacity: Int) {
        count = capacity
        actions = [Int32](repeating: 0, count: capacity)
        oldLogProbs = [Float](repeating: 0, count: capacity)
        oldValues = [Float](repeating: 0, count: capacity)
        advantages = [Float](repeating: 0, count: capacity)
        returns = [Float](repeating: 0, count: capacity)
    }
}
