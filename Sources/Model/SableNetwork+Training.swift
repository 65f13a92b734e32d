import Foundation
import Kernels
import TensorCore

extension SableNetwork {
    /// Training-form forward pass over `batch` (spec §2.6–§2.7) with `parameters`, padded or
    /// compact; `padding_mode = naive` needs a padded batch (absent tokens take part there).
    /// `initialStates` (networks built with `carriesState`) are the retention states each sample
    /// starts from, laid out as `SablePolicy.saveStates` writes them for B copies:
    /// (3·blocks modules, B, H, d, d), modules = encoder blocks, decoder self, decoder cross;
    /// without them every sample starts from zero. `stepCounts` (B·T, configs with the timestep
    /// encoding only) are each sample's episode step counts per timestep.
    public func forward(parameters: ParameterArena, batch: AgentBatch, initialStates: UnsafeBufferPointer<Float>? = nil,
                        stepCounts: UnsafeBufferPointer<Int32>? = nil) {
        let c = config
        precondition(batch.timeSteps == timeSteps && batch.agentSlots == agentSlots && batch.batchSize <= maxBatch
                     && batch.inputSize == c.inputSize && batch.actionCount == c.actionCount,
                     "batch (B \(batch.batchSize), T \(batch.timeSteps), N \(batch.agentSlots), D_o \(batch.inputSize), A \(batch.actionCount)) does not fit network (max B \(maxBatch), T \(timeSteps), N \(agentSlots), D_o \(c.inputSize), A \(c.actionCount))")
        precondition(c.paddingMode == .inert || batch.isPadded, "padding_mode naive needs a padded batch, got a compact one")
        batchSize = batch.batchSize
        rowCount = batch.rowCount
        loadInputs(batch)
        loadInitialStates(initialStates)
        loadStepCounts(stepCounts)
        let rows = rowCount
        ParameterView.with(parameters) { p in
            var x = encode(rows: rows, p: p)
            let rep = x
            valueHead?.forward(rep, p: p, scratch: scratch, into: values)
            let act = decoderInputActivation(rows: rows, p: p)
            decoderNorm.forward(act, scale: p.pointer(layout.decoderNorm))
            x = decoderNorm.output.prefix(rows: rows)
            let causal = sequences(causal: true)
            for block in decoderBlocks { x = block.forward(x, obsRep: rep, p: p, sequences: causal, scratch: scratch) }
            policyHead.forward(x, p: p, scratch: scratch, into: logits)
            maskIllegal(logits)
            if let qHead {
                qHead.forward(x, p: p, scratch: scratch, into: qLogits)
                readExpectedQ()
            }
        }
    }

    private func encode(rows: Int, p: ParameterView) -> Matrix {
        obsNorm.forward(observations.prefix(rows: rows), scale: p.pointer(layout.obsNorm))
        let pre = scratch.a.prefix(rows: rows)
        MatMul.product(obsNorm.output.prefix(rows: rows), p.matrix(layout.obsKernel), into: pre)
        Activations.gelu(pre, into: obsAct.prefix(rows: rows))
        var x = obsAct.prefix(rows: rows)
        let full = sequences(causal: false)
        for block in encoderBlocks { x = block.forward(x, sharedNorm: layout.encoderNorm, p: p, sequences: full, scratch: scratch) }
        return x
    }

    /// GELU(U W_act) in scratch b (pre-activation in scratch a); recomputed by backward.
    private func decoderInputActivation(rows: Int, p: ParameterView) -> Matrix {
        let pre = scratch.a.prefix(rows: rows), act = scratch.b.prefix(rows: rows)
        MatMul.product(actionTokens.prefix(rows: rows), p.matrix(layout.actionKernel), into: pre)
        Activations.gelu(pre, into: act)
        return act
    }

    private func maskIllegal(_ m: Matrix) {
        let a = config.actionCount
        for r in 0..<m.rows {
            for k in 0..<a where legalMask[r * a + k] == 0 { m[r, k] = Self.maskValue }
        }
    }

    /// Q = raw head output (K = 1) or Σ_k softmax_k(z) c_k (HL-Gauss, spec §5); illegal → mask value.
    /// Rows are split over the compute threads.
    private func readExpectedQ() {
        let a = config.actionCount, k = config.qBins
        let q = qValues, z = qLogits
        binCenters.withUnsafeBufferPointer { centers in
            let centers = centers.baseAddress!
            Parallel.forRows(q.rows) { rows in
                for r in rows {
                    let zr = z.pointer + r * z.stride
                    for act in 0..<a {
                        q[r, act] = k == 1 ? zr[act] : Self.expectedQ(zr + act * k, centers: centers, count: k)
                    }
                }
            }
        }
        maskIllegal(q)
    }

    /// Σ_k softmax(z)_k c_k over the `count` logits at `z` (spec §5 readout). The exponentials
    /// go through a stack buffer in a loop of their own, so `Activations.exp` vectorises.
    static func expectedQ(_ z: UnsafePointer<Float>, centers: UnsafePointer<Float>, count k: Int) -> Float {
        var mx = -Float.infinity
        for i in 0..<k { mx = max(mx, z[i]) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { e in
            let e = e.baseAddress!
            for i in 0..<k { e[i] = Activations.exp(z[i] - mx) }
            var sum: Float = 0, dot: Float = 0
            for i in 0..<k { sum += e[i]; dot += e[i] * centers[i] }
            return dot / sum
        }
    }

    /// Copies observations, builds shifted action tokens (§1.5 / §7.1), legal masks, the sample
    /// row spans and the per-sample decay visibility per chunk (§2.5, online-sable.md §1.7).
    private func loadInputs(_ batch: AgentBatch) {
        let c = config, rows = rowCount, a = c.actionCount, slots = agentSlots, t = timeSteps
        let chunks = (t + chunkSteps - 1) / chunkSteps
        batch.observations.withUnsafeBufferPointer { src in
            observations.pointer.update(from: src.baseAddress!, count: rows * c.inputSize)
        }
        for i in 0..<(rows * a) { legalMask[i] = batch.legal[i] }
        let u = actionTokens.prefix(rows: rows)
        u.zero()
        for b in 0..<batchSize {
            let n = batch.agentCounts[b], start = batch.rows(ofSample: b).lowerBound
            sampleRowStarts[b] = Int32(start)
            sampleAgents[b] = Int32(n)
            CarriedState.visibility(steps: t, chunkSteps: chunkSteps, startsEpisode: { batch.resets[b * t + $0] != 0 },
                                    firstVisible: firstVisible + b * t, visibleSteps: visibleSteps + b * chunks)
            for s in 0..<t {
                var previous = -1
                for i in 0..<n {
                    let row = start + s * n + i
                    switch c.paddingMode {
                    case .inert:
                        guard batch.agentMask[b * slots + i] != 0 else { continue }
                        if previous < 0 { u[row, 0] = 1 } else { u[row, 1 + Int(batch.actions[row - i + previous])] = 1 }
                        previous = i
                    case .naive:
                        if i == 0 { u[row, 0] = 1 } else { u[row, 1 + Int(batch.actions[row - 1])] = 1 }
                    }
                }
            }
        }
        sampleRowStarts[batchSize] = Int32(rows)
    }

    /// Each row's step count from `counts` (B·T), with the timestep encoding.
    private func loadStepCounts(_ counts: UnsafeBufferPointer<Int32>?) {
        precondition(config.timestepEncoding == (counts != nil),
                     config.timestepEncoding ? "a network with the timestep encoding needs the step counts" : "step counts given to a network without the timestep encoding")
        guard let counts else { return }
        let t = timeSteps
        precondition(counts.count == batchSize * t, "step counts hold \(counts.count) values, a batch of \(batchSize) × \(t) needs \(batchSize * t)")
        for b in 0..<batchSize {
            let start = Int(sampleRowStarts[b]), n = Int(sampleAgents[b])
            for s in 0..<t { for i in 0..<n { rowSteps[start + s * n + i] = counts[b * t + s] } }
        }
    }

    /// Copies `states` ((3·blocks, B, H, d, d)) into the network's (3·blocks, maxBatch, H, d, d) store.
    private func loadInitialStates(_ states: UnsafeBufferPointer<Float>?) {
        hasInitialStates = states != nil
        guard let states else { return }
        let c = config, size = c.heads * c.headSize * c.headSize, modules = 3 * c.blocks
        precondition(carriesState, "initial retention states need a network built with carriesState")
        precondition(states.count == modules * batchSize * size,
                     "initial states hold \(states.count) floats, a batch of \(batchSize) needs \(modules * batchSize * size)")
        for m in 0..<modules {
            (initialStateStore + m * maxBatch * size).update(from: states.baseAddress! + m * batchSize * size,
                                                              count: batchSize * size)
        }
    }

    /// Accumulates into `gradients` the gradient for `logitsGradient`, `qGradient` and, with a value
    /// head, `valueGradient` (written by
    /// a loss after `forward`, whose activations it reuses). Illegal entries are ignored.
    /// Once per forward: it overwrites saved activations it no longer needs with temporaries.
    public func backward(parameters: ParameterArena, gradients: ParameterArena) {
        backward(parameters: parameters, gradients: gradients, finished: { _ in })
    }

    /// `backward(parameters:gradients:)` that calls `finished` with each of `layout.backwardStages`,
    /// in that order, as soon as backward will not write that gradient range any more (so a
    /// reduction of it may start).
    public func backward(parameters: ParameterArena, gradients: ParameterArena,
                         finished: (Range<Int>) throws -> Void) rethrows {
        let stages = layout.backwardStages
        let rows = rowCount, a = config.actionCount, k = config.qBins
        for r in 0..<rows {
            for act in 0..<a where legalMask[r * a + act] == 0 {
                dLogits[r, act] = 0
                for i in 0..<k { dQLogits[r, act * k + i] = 0 }
            }
        }
        try ParameterView.with(parameters) { p in
            try ParameterView.with(gradients) { g in
                var cur = gradA.prefix(rows: rows), other = gradB.prefix(rows: rows)
                cur.zero()
                let rep = obsRep
                let dRep = dObsRep.prefix(rows: rows)
                dRep.zero()
                valueHead?.backward(dOut: valueGradient, input: rep, p: p, g: g, scratch: scratch, temporary: other, dInput: dRep)
                let top = decoderBlocks.last?.output(rows: rows, p: p, scratch: scratch) ?? decoderNorm.output.prefix(rows: rows)
                policyHead.backward(dOut: logitsGradient, input: top, p: p, g: g, scratch: scratch, temporary: other, dInput: cur)
                qHead?.backward(dOut: qGradient, input: top, p: p, g: g, scratch: scratch, temporary: other, dInput: cur)
                try finished(stages[0])
                var stage = 1
                // The heads' saved pre-activations are dead from here on: the policy head's holds the
                // blocks' third gradient temporary.
                let spare = policyHead.pre.prefix(rows: rows)
                let causal = sequences(causal: true)
                for (index, block) in decoderBlocks.enumerated().reversed() {
                    let input = index == 0 ? decoderNorm.output.prefix(rows: rows) : decoderBlocks[index - 1].norm3.output.prefix(rows: rows)
                    block.backward(dOut: cur, input: input, obsRep: rep, p: p, g: g, sequences: causal, scratch: scratch,
                                   spare: spare, dObsRep: dRep, dInput: other)
                    swap(&cur, &other)
                    try finished(stages[stage])
                    stage += 1
                }
                let act = decoderInputActivation(rows: rows, p: p)
                decoderNorm.backward(cur, input: act, scale: p.pointer(layout.decoderNorm),
                                     dScale: g.pointer(layout.decoderNorm), into: other, accumulate: false)
                Activations.geluBackward(other, input: scratch.a.prefix(rows: rows), into: other)
                MatMul.product(actionTokens.prefix(rows: rows), transposeA: true, other, into: g.matrix(layout.actionKernel),
                               accumulate: true)
                try finished(stages[stage])
                stage += 1
                cur = dRep
                other = gradA.prefix(rows: rows)
                let full = sequences(causal: false)
                for (index, block) in encoderBlocks.enumerated().reversed() {
                    let input = index == 0 ? obsAct.prefix(rows: rows) : encoderBlocks[index - 1].norm2.output.prefix(rows: rows)
                    block.backward(dOut: cur, input: input, sharedNorm: layout.encoderNorm, p: p, g: g, sequences: full,
                                   scratch: scratch, spare: spare, dInput: other)
                    swap(&cur, &other)
                    try finished(stages[stage])
                    stage += 1
                }
                let obsPre = scratch.a.prefix(rows: rows)
                MatMul.product(obsNorm.output.prefix(rows: rows), p.matrix(layout.obsKernel), into: obsPre)
                Activations.geluBackward(cur, input: obsPre, into: cur)
                MatMul.product(obsNorm.output.prefix(rows: rows), transposeA: true, cur, into: g.matrix(layout.obsKernel),
                               accumulate: true)
                let dNormed = dObservations.prefix(rows: rows)
                MatMul.product(cur, p.matrix(layout.obsKernel), transposeB: true, into: dNormed)
                obsNorm.backward(dNormed, input: observations.prefix(rows: rows), scale: p.pointer(layout.obsNorm),
                                 dScale: g.pointer(layout.obsNorm), into: dNormed, accumulate: false)
                try finished(stages[stage])
            }
        }
    }
}
