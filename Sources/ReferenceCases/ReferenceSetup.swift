import Foundation
import Losses
import Model
import TensorCore

/// Model, loss settings, parameters and batch of a golden case.
struct ReferenceSetup {
    var layout: SableLayout
    var lossConfig: LossConfig
    let parameters: ParameterArena
    let batch: AgentBatch

    init(_ c: ReferenceCase) throws {
        let n = try c.integer("config/num_agents"), t = try c.integer("config/T"), b = try c.integer("config/B")
        let d = try c.integer("config/D_o"), a = try c.integer("config/num_actions")
        let padding = (c.optional("config/padding_mode") as? String).flatMap(PaddingMode.init(rawValue:)) ?? .inert
        let model = ModelConfig(embedding: try c.integer("config/embed_dim"), heads: try c.integer("config/n_head"),
                                blocks: try c.integer("config/n_block"), inputSize: d, actionCount: a, qBins: 1,
                                decayScaling: try c.number("config/decay_scaling_factor"), hasQHead: true, paddingMode: padding)
        try model.validate()
        layout = SableLayout(config: model)
        let taskCount = (c.optional("multitask/M") as? NSNumber)?.intValue ?? 1
        var loss = LossConfig(kind: .oryx, taskCount: taskCount)
        loss.gamma = Float(try c.number("config/gamma"))
        loss.valueTemperature = Float(try c.number("config/value_temperature"))
        loss.policyTemperature = Float(try c.number("config/policy_temperature"))
        loss.criticCoefficient = Float(try c.number("config/critic_coef"))
        if (c.optional("config/icq_groups") as? String) == "whole_batch" { loss.icqGrouping = .wholeBatch }
        lossConfig = loss

        let params = try c.arrays("params")
        let arena = ParameterArena(layout: layout.arena)
        for s in layout.arena.slices {
            guard let p = params[s.name] else { throw ReferenceCaseError.missingField(path: c.path, field: "params/\(s.name)") }
            guard p.shape == s.shape else {
                throw ReferenceCaseError.badField(path: c.path, field: "params/\(s.name)", found: "shape \(p.shape)",
                                                  expected: "shape \(s.shape) from the case's config")
            }
            arena.setValues(p.values, of: s)
        }
        if params.count != layout.arena.slices.count {
            let extra = Set(params.keys).subtracting(layout.arena.slices.map(\.name)).sorted()
            throw ReferenceCaseError.badField(path: c.path, field: "params", found: "unknown tensors \(extra)",
                                              expected: "the \(layout.arena.slices.count) tensors of the Sable layout")
        }
        parameters = arena

        var batch = AgentBatch(batchSize: b, timeSteps: t, agentSlots: n, inputSize: d, actionCount: a)
        batch.observations.copy(from: try c.array("inputs/obs").values)
        batch.actions = try c.array("inputs/actions").values.map { Int32($0) }
        batch.rewards = try c.array("inputs/rewards").values
        let done = try c.array("inputs/done").values
        batch.resets = (0..<(b * t)).map { done[$0 * n] }
        batch.legal = try c.array("inputs/legal").values.map { $0 != 0 ? 1 : 0 }
        if c.optional("inputs/agent_mask") != nil {
            batch.agentMask = try c.array("inputs/agent_mask").values
        } else {
            batch.agentMask = [Float](repeating: 1, count: b * n)
        }
        if c.optional("inputs/task_index") != nil { batch.taskIndex = try c.integers("inputs/task_index").map { Int32($0) } }
        self.batch = batch
    }
}
