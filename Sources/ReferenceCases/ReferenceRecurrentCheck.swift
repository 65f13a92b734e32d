import Foundation
import Model
import TensorCore

/// The acting-form part of a golden case: teacher-forced recurrent logits, Q and final states.
enum ReferenceRecurrentCheck {
    static func compare(_ c: ReferenceCase, setup: ReferenceSetup, report: inout ReferenceReport) throws {
        guard c.optional("recurrent") != nil else { return }
        let batch = setup.batch, config = setup.layout.config
        let b = batch.batchSize, t = batch.timeSteps, n = batch.agentSlots, a = config.actionCount, dIn = config.inputSize
        let policy = SablePolicy(layout: setup.layout, copies: b, agents: n, selection: .greedyPolicy)
        var random = RandomStream(seed: 0)
        var logits = [Float](repeating: 0, count: b * t * n * a), q = logits
        let obs = batch.observations.toArray()
        for s in 0..<t {
            for copy in 0..<b where s == 0 || batch.resets[copy * t + s] != 0 { policy.reset(copy: copy) }
            var stepObs = [Float](), stepLegal = [UInt8](), forced = [Int32]()
            for copy in 0..<b {
                let row = (copy * t + s) * n
                stepObs += obs[(row * dIn)..<((row + n) * dIn)]
                stepLegal += batch.legal[(row * a)..<((row + n) * a)]
                forced += batch.actions[row..<(row + n)]
            }
            _ = policy.step(parameters: setup.parameters, observations: stepObs, legal: stepLegal, random: &random,
                            forcedActions: forced)
            for copy in 0..<b {
                let dst = (copy * t + s) * n * a, src = copy * n * a
                for k in 0..<(n * a) {
                    logits[dst + k] = policy.lastLogits[src + k]
                    q[dst + k] = policy.lastQValues[src + k]
                }
            }
        }
        let tol = { (v: Double) in 1e-5 * v + 1e-7 }
        report.compare("recurrent/logits", ours: logits, reference: try c.array("recurrent/logits").values, tolerance: tol)
        report.compare("recurrent/q_values", ours: q, reference: try c.array("recurrent/q_values").values, tolerance: tol)
        let h = config.heads, blocks = config.blocks, d2 = config.headSize * config.headSize
        for (module, name) in ["encoder", "decoder_self_retn", "decoder_cross_retn"].enumerated() {
            var ours = [Float](repeating: 0, count: b * h * blocks * d2)
            for copy in 0..<b {
                let s = policy.state(copy: copy, module: module)  // (blocks, H, d, d)
                for blk in 0..<blocks {
                    for head in 0..<h {
                        for i in 0..<d2 { ours[((copy * h + head) * blocks + blk) * d2 + i] = s[(blk * h + head) * d2 + i] }
                    }
                }
            }
            report.compare("recurrent/final_hstates/\(name)", ours: ours,
                           reference: try c.array("recurrent/final_hstates/\(name)").values, tolerance: tol)
        }
    }
}
