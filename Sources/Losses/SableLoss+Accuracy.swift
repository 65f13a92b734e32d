import Model
import TensorCore

extension SableLoss {
    /// Tokens of present agents whose greedy action after the last `forward` (argmax of the
    /// masked logits; of the masked Q values for CQL, which acts by Q) is the dataset action, and
    /// the number of those tokens: the action accuracy, summable over ranks.
    public func actionMatches(batch: AgentBatch) -> (matches: Double, tokens: Double) {
        let logits = config.kind == .cql ? network.qValues : network.logits, a = network.config.actionCount
        let n = batch.agentSlots, t = batch.timeSteps
        var matches = 0, tokens = 0
        for b in 0..<batch.batchSize {
            for i in 0..<n where batch.agentMask[b * n + i] != 0 {
                for s in 0..<t {
                    let row = (b * t + s) * n + i
                    var best = 0
                    for k in 1..<a where logits[row, k] > logits[row, best] { best = k }
                    tokens += 1
                    if Int32(best) == batch.actions[row] { matches += 1 }
                }
            }
        }
        return (Double(matches), Double(tokens))
    }
}
