import Foundation
import Kernels
import Losses
import Model
import TensorCore

/// Outcome of checking one golden case.
public struct ReferenceReport: Sendable {
    public let name: String
    /// Every failed comparison: tensor, first failing index, both values and the tolerance.
    public internal(set) var failures: [String] = []
    /// Largest |ours − reference| per compared quantity.
    public internal(set) var maxErrors: [String: Double] = [:]
    public var passed: Bool { failures.isEmpty }

    /// One line: name, PASS/FAIL, first failure.
    public var summary: String {
        passed ? "\(name): PASS (\(maxErrors.count) quantities)" : "\(name): FAIL \(failures[0])"
    }

    /// Compares element-wise with |Δ| ≤ tolerance(scale), scale = max |reference| over compared entries.
    /// Reference entries equal to the mask value must be matched exactly. `include` filters indices.
    mutating func compare(_ label: String, ours: [Float], reference: [Float], tolerance: (Double) -> Double,
                          include: (Int) -> Bool = { _ in true }) {
        guard ours.count == reference.count else {
            failures.append("\(label): \(ours.count) values, reference has \(reference.count)")
            return
        }
        let mask = SableNetwork.maskValue
        var scale = 0.0
        for i in reference.indices where include(i) && reference[i] != mask { scale = max(scale, Double(abs(reference[i]))) }
        let tol = tolerance(scale)
        var worst = 0.0, firstBad: Int?
        for i in reference.indices where include(i) {
            if reference[i] == mask || ours[i] == mask {
                if reference[i] != ours[i] && firstBad == nil { firstBad = i }
                continue
            }
            let diff = Double(abs(ours[i] - reference[i]))
            worst = max(worst, diff)
            if !(diff <= tol) && firstBad == nil { firstBad = i }
        }
        maxErrors[label] = worst
        if let i = firstBad {
            failures.append("\(label)[\(i)]: ours \(ours[i]) vs reference \(reference[i]) (tolerance \(tol), max |Δ| \(worst))")
        }
    }

    mutating func compare(_ label: String, ours: Double, reference: Double, relative: Double) {
        let diff = abs(ours - reference)
        maxErrors[label] = diff
        if !(diff <= relative * max(abs(reference), 1e-3)) {
            failures.append("\(label): ours \(ours) vs reference \(reference) (relative tolerance \(relative))")
        }
    }
}

/// The alternative reductions recorded in the multi-task cases' `diagnostics`.
public enum ReferenceDiagnostic: String, CaseIterable, Sendable {
    /// Inert padding, per-task ICQ groups, one masked mean over the batch.
    case plainMaskedMean = "naive_mean_a"
    /// As above with ICQ softmaxes over the whole batch.
    case wholeBatchICQ = "naive_mean_batch_icq_a2"
    /// padding_mode naive with the Eq. 1 reduction.
    case naivePadding = "naive_padding_b"
}

/// Runs a golden case of shared/reference-model through our network, loss and optimiser
/// (README "Tolerances"): forward 1e-5·scale + 1e-7, loss 1e-5 relative, gradients
/// 1e-4·scale + 1e-6·G with SwiGLU gradients exactly 0, the update from the stored gradient
/// within 3e-7·max(1, |p|), and from our gradient params_after − params within 1e-3·lr.
public enum ReferenceCheck {
    public static func run(url: URL) throws -> ReferenceReport {
        let c = try ReferenceCase(url: url)
        let setup = try ReferenceSetup(c)
        var report = ReferenceReport(name: c.name)
        let network = SableNetwork(layout: setup.layout, maxBatch: setup.batch.batchSize, timeSteps: setup.batch.timeSteps,
                                   agentSlots: setup.batch.agentSlots)
        let loss = SableLoss(network: network, config: setup.lossConfig)
        let online = setup.parameters
        let target = ParameterArena(layout: setup.layout.arena)
        target.copy(from: online)
        let gradients = ParameterArena(layout: setup.layout.arena)
        let result = loss.lossAndGradients(batch: setup.batch, online: online, target: target, gradients: gradients)

        let forward = { (v: Double) in 1e-5 * v + 1e-7 }
        let a = setup.layout.config.actionCount
        let activeRow = { (row: Int) in setup.batch.agentMask[(row / setup.batch.tokensPerSample) * setup.batch.agentSlots + row % setup.batch.agentSlots] != 0 }
        report.compare("forward/online/logits", ours: flatten(network.logits), reference: try c.array("forward/online/logits").values,
                       tolerance: forward, include: { activeRow($0 / a) })
        report.compare("forward/online/q_values", ours: flatten(network.qValues),
                       reference: try c.array("forward/online/q_values").values, tolerance: forward, include: { activeRow($0 / a) })
        report.compare("forward/obs_rep", ours: flatten(network.obsRep), reference: try c.array("forward/obs_rep").values,
                       tolerance: forward)
        let shiftedField = c.optional("forward/shifted_actions_inert") != nil ? "forward/shifted_actions_inert" : "forward/shifted_actions"
        report.compare(shiftedField, ours: flatten(network.decoderInputs), reference: try c.array(shiftedField).values,
                       tolerance: { _ in 0 })


        report.compare("loss/total", ours: result.total, reference: try c.number("loss/total"), relative: 1e-5)
        report.compare("loss/critic", ours: result.criticMean, reference: try c.number("loss/critic"), relative: 1e-5)
        report.compare("loss/policy", ours: result.policyMean, reference: try c.number("loss/policy"), relative: 1e-5)
        if let tasks = c.optional("multitask/tasks") as? [[String: Any]] {
            for (tau, task) in tasks.enumerated() {
                let l = task["loss"] as? [String: Any] ?? [:]
                for (key, ours) in [("critic", result.critic[tau]), ("policy", result.policy[tau]),
                                    ("total", result.taskTotal(tau, criticCoefficient: Double(setup.lossConfig.criticCoefficient), cqlWeight: 0))] {
                    guard let ref = (l[key] as? NSNumber)?.doubleValue else {
                        throw ReferenceCaseError.missingField(path: c.path, field: "multitask/tasks/\(tau)/loss/\(key)")
                    }
                    report.compare("loss/task\(tau)/\(key)", ours: ours, reference: ref, relative: 1e-5)
                }
            }
        }

        let storedGrads = try c.arrays("grads")
        let gMax = storedGrads.values.reduce(0.0) { m, g in g.values.reduce(m) { max($0, Double(abs($1))) } }
        for slice in setup.layout.arena.slices {
            guard let ref = storedGrads[slice.name] else { throw ReferenceCaseError.missingField(path: c.path, field: "grads/\(slice.name)") }
            let ours = gradients.values(of: slice)
            let exact = slice.name.contains("/ffn/")
            report.compare("grads/\(slice.name)", ours: ours, reference: ref.values,
                           tolerance: { exact ? 0 : 1e-4 * $0 + 1e-6 * gMax })
        }

        try checkUpdate(c, setup: setup, storedGradients: storedGrads, ourGradients: gradients, report: &report)
        try ReferenceRecurrentCheck.compare(c, setup: setup, report: &report)

        return report
    }

    /// Checks one of the multi-task cases' `diagnostics` variants (loss terms and gradient): the
    /// plain masked mean, whole-batch ICQ groups, or naive padding (README "What a checker must
    /// reproduce"). Cases without that variant report a missing field.
    public static func runDiagnostic(url: URL, variant: ReferenceDiagnostic) throws -> ReferenceReport {
        let c = try ReferenceCase(url: url)
        var setup = try ReferenceSetup(c)
        switch variant {
        case .plainMaskedMean: setup.lossConfig.reduction = .maskedMean
        case .wholeBatchICQ:
            setup.lossConfig.reduction = .maskedMean
            setup.lossConfig.icqGrouping = .wholeBatch
        case .naivePadding: setup.layout = SableLayout(config: { var m = setup.layout.config; m.paddingMode = .naive; return m }())
        }
        var report = ReferenceReport(name: "\(c.name) [\(variant.rawValue)]")
        let network = SableNetwork(layout: setup.layout, maxBatch: setup.batch.batchSize, timeSteps: setup.batch.timeSteps,
                                   agentSlots: setup.batch.agentSlots)
        let gradients = ParameterArena(layout: setup.layout.arena)
        let result = SableLoss(network: network, config: setup.lossConfig).lossAndGradients(
            batch: setup.batch, online: setup.parameters, target: setup.parameters, gradients: gradients)
        let base = "diagnostics/\(variant.rawValue)"
        report.compare("\(base)/loss/total", ours: result.total, reference: try c.number("\(base)/loss/total"), relative: 1e-5)
        report.compare("\(base)/loss/critic", ours: result.criticMean, reference: try c.number("\(base)/loss/critic"), relative: 1e-5)
        report.compare("\(base)/loss/policy", ours: result.policyMean, reference: try c.number("\(base)/loss/policy"), relative: 1e-5)
        let grads = try c.arrays("\(base)/grads")
        let gMax = grads.values.reduce(0.0) { m, g in g.values.reduce(m) { max($0, Double(abs($1))) } }
        for slice in setup.layout.arena.slices {
            guard let ref = grads[slice.name] else { throw ReferenceCaseError.missingField(path: c.path, field: "\(base)/grads/\(slice.name)") }
            report.compare("\(base)/grads/\(slice.name)", ours: gradients.values(of: slice), reference: ref.values,
                           tolerance: { 1e-4 * $0 + 1e-6 * gMax })
        }
        return report
    }

    static func flatten(_ m: Matrix) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(m.rows * m.cols)
        for r in 0..<m.rows { for k in 0..<m.cols { out.append(m[r, k]) } }
        return out
    }

    /// Clip + Adam + Polyak, first from the stored gradient (tight), then from ours (params delta).
    static func checkUpdate(_ c: ReferenceCase, setup: ReferenceSetup, storedGradients: [String: (shape: [Int], values: [Float])],
                            ourGradients: ParameterArena, report: inout ReferenceReport) throws {
        let layout = setup.layout.arena
        let lr = try c.number("config/lr"), tau = Float(try c.number("config/tau"))
        let clip = Float(try c.number("config/max_grad_norm"))
        let settings = AdamOptimizer.Settings(learningRate: Float(lr), beta1: Float(try c.number("config/adam/b1")),
                                              beta2: Float(try c.number("config/adam/b2")), epsilon: Float(try c.number("config/adam/eps")))
        let after = try c.arrays("update/params_after")
        let targetAfter = c.optional("update/target_after") != nil ? try c.arrays("update/target_after") : nil

        let stored = ParameterArena(layout: layout)
        for s in layout.slices { if let g = storedGradients[s.name] { stored.setValues(g.values, of: s) } }
        let storedClipped = ParameterArena(layout: layout)
        storedClipped.copy(from: stored)
        let (norm, _) = ArenaMath.clipGlobalNorm(storedClipped.buffer, maxNorm: clip)
        report.compare("update/grad_global_norm", ours: norm, reference: try c.number("update/grad_global_norm"), relative: 1e-5)
        for (label, grads) in [("stored", stored), ("ours", ourGradients)] {
            let params = ParameterArena(layout: layout)
            params.copy(from: setup.parameters)
            let target = ParameterArena(layout: layout)
            target.copy(from: setup.parameters)
            let g = ParameterArena(layout: layout)
            g.copy(from: grads)
            ArenaMath.clipGlobalNorm(g.buffer, maxNorm: clip)
            let adam = AdamOptimizer(parameterCount: layout.totalCount, settings: settings)
            let clippedOurs = g.buffer.toArray()
            adam.step(parameters: params.buffer, gradients: g.buffer)
            ArenaMath.polyakUpdate(target: target.buffer, online: params.buffer, tau: tau)
            for s in layout.slices {
                guard let ref = after[s.name] else { throw ReferenceCaseError.missingField(path: c.path, field: "update/params_after/\(s.name)") }
                let before = setup.parameters.values(of: s), ours = params.values(of: s)
                if label == "stored" {
                    report.compareEach("update/params_after/\(s.name) (stored grads)", ours: ours, reference: ref.values,
                                       tolerance: { _, r in 3e-7 * max(1, abs(r)) })
                    if let t = targetAfter?[s.name] {
                        report.compareEach("update/target_after/\(s.name)", ours: target.values(of: s), reference: t.values,
                                           tolerance: { _, r in 3e-7 * max(1, abs(r)) })
                    }
                } else {
                    // Adam's first step Δ = −lr·g/(|g| + ε) turns a gradient difference δg into
                    // lr·ε·δg/(|g| + ε)²; allow that on top of 1e-3·lr.
                    let refClipped = storedClipped.values(of: s)
                    let eps = Double(settings.epsilon)
                    report.compareEach("update/params_after/\(s.name) (our grads) delta", ours: zip(ours, before).map { $0 - $1 },
                                       reference: zip(ref.values, before).map { $0 - $1 }, tolerance: { i, _ in
                                           let go = Double(clippedOurs[s.offset + i]), gr = Double(refClipped[i])
                                           let small = min(abs(go), abs(gr)) + eps
                                           return 1e-3 * lr + 2 * lr * eps * abs(go - gr) / (small * small)
                                       })
                }
            }
        }
    }
}

extension ReferenceReport {
    /// Element-wise comparison with a tolerance depending on each reference value.
    /// `tolerance(index, reference value)`.
    mutating func compareEach(_ label: String, ours: [Float], reference: [Float], tolerance: (Int, Double) -> Double) {
        var worst = 0.0
        for i in reference.indices {
            let diff = Double(abs(ours[i] - reference[i]))
            worst = max(worst, diff)
            if !(diff <= tolerance(i, Double(reference[i]))) {
                failures.append("\(label)[\(i)]: ours \(ours[i]) vs reference \(reference[i])")
                break
            }
        }
        maxErrors[label] = worst
    }
}
