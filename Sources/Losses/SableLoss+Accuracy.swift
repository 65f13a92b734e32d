import Model
import TensorCore

extension SableLoss {
    /// Tokens of present agents whose greedy action after the last `forward` (argmax of the
    /// masked logits; of the masked Q values for a loss that acts greedily on Q) is the dataset action:
    /// divided by the present agent-tokens, the action accuracy; summable over ranks.
    public func actionMatches(batch: AgentBatch) -> Int {
        let values = config.kind.actionSelection == .greedyQ ? network.qValues : network.logits, a = network.config.actionCount
        let slots = batch.agentSlots, t = batch.timeSteps
        var matches = 0
        for b in 0..<batch.batchSize {
            let n = batch.agentCounts[b], first = batch.rows(ofSample: b).lowerBound
            for i in 0..<n where batch.agentMask[b * slots + i] != 0 {
                for s in 0..<t {
                    let row = first + s * n + i
                    if SableNetwork.greedyAction(count: a, { values[row, $0] }) == Int(batch.actions[row]) { matches += 1 }
                }
            }
        }
        return matches
    }
}
