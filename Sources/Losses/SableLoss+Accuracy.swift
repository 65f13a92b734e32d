import Model
import TensorCore

extension SableLoss {
    /// Tokens of present agents whose greedy action after the last `forward` (argmax of the
    /// masked logits; of the masked Q values for a loss that acts greedily on Q) is the dataset action:
    /// divided by the present agent-tokens, the action accuracy; summable over ranks.
    public func actionMatches(batch: AgentBatch) -> Int {
        let values = config.kind.actionSelection == .greedyQ ? network.qValues : network.logits, a = network.config.actionCount
        let n = batch.agentSlots, t = batch.timeSteps
        var matches = 0
        for b in 0..<batch.batchSize {
            for i in 0..<n where batch.agentMask[b * n + i] != 0 {
                for s in 0..<t {
                    let row = (b * t + s) * n + i
                    if SableNetwork.greedyAction(count: a, { values[row, $0] }) == Int(batch.actions[row]) { matches += 1 }
                }
            }
        }
        return matches
    }
}
