import Foundation
import Kernels
import TensorCore

extension SablePolicy {
    /// One environment step for every copy (spec §8 steps 2–4).
    ///
    /// - Parameters: `observations` (C·n·D_o) rows `[one-hot ID, features]`; `legal` (C·n·A, 1 = legal);
    ///   `forcedActions` (C·n) feeds given actions to the decoder instead of the chosen ones (teacher
    ///   forcing, used to compare with the training form).
    ///   `stepCounts` (C) each copy's episode step count, for configs with the timestep encoding.
    /// - Returns: the chosen action of every agent (C·n), illegal actions never chosen.
    public func step(parameters: ParameterArena, observations: [Float], legal: [UInt8], random: inout RandomStream,
                     forcedActions: [Int32]? = nil, stepCounts: [Int32]? = nil) -> [Int32] {
        var actions = [Int32](repeating: 0, count: copies * agents)
        step(parameters: parameters, observations: observations, legal: legal, random: &random, forcedActions: forcedActions,
             stepCounts: stepCounts, into: &actions)
        return actions
    }

    /// `step` on arrays, writing the chosen actions into `actions` (C·n): allocates nothing, the
    /// form the acting loops call every environment step.
    public func step(parameters: ParameterArena, observations: [Float], legal: [UInt8], random: inout RandomStream,
                     forcedActions: [Int32]? = nil, stepCounts: [Int32]?, into actions: inout [Int32]) {
        observations.withUnsafeBufferPointer { o in
            legal.withUnsafeBufferPointer { l in
                actions.withUnsafeMutableBufferPointer { out in
                    withOptionalBuffer(forcedActions) { f in
                        withOptionalBuffer(stepCounts) { s in
                            step(parameters: parameters, observations: o, legal: l, random: &random, forcedActions: f,
                                 stepCounts: s, actions: out)
                        }
                    }
                }
            }
        }
    }

    /// `step` writing the chosen actions into `actions` (C·n); allocates nothing (the acting loop of
    /// online training calls it every environment step). With a value head, `lastValues` receives
    /// every agent's state value.
    public func step(parameters: ParameterArena, observations: UnsafeBufferPointer<Float>, legal: UnsafeBufferPointer<UInt8>,
                     random: inout RandomStream, forcedActions: UnsafeBufferPointer<Int32>?,
                     stepCounts: UnsafeBufferPointer<Int32>? = nil, actions: UnsafeMutableBufferPointer<Int32>) {
        let c = config, n = agents, a = c.actionCount
        precondition(c.timestepEncoding == (stepCounts != nil) && (stepCounts?.count ?? copies) == copies,
                     c.timestepEncoding ? "a policy with the timestep encoding needs one step count per copy (\(copies))" : "step counts given to a policy without the timestep encoding")
        precondition(observations.count == copies * n * c.inputSize && legal.count == copies * n * a && actions.count == copies * n
                     && (forcedActions?.count ?? copies * n) == copies * n,
                     "policy step: \(observations.count) observation floats, \(legal.count) legal flags and \(actions.count) action slots for \(copies) copies × \(n) agents (D_o \(c.inputSize), A \(a))")
        ParameterView.with(parameters) { p in
            for r in encoderRetention { r.pack(p) }
            for r in selfRetention { r.pack(p) }
            for r in crossRetention { r.pack(p) }
            decayStates()
            encode(observations, stepCounts: stepCounts, p: p)
            if let valueHead {
                valueHead.forward(obsRep, p: p, scratch: scratch, into: valueRows)
                for r in 0..<(copies * n) { lastValues[r] = valueRows[r, 0] }
            }
            for i in 0..<n {
                buildToken(agent: i, actions: forcedActions ?? UnsafeBufferPointer(actions))
                decode(agent: i, stepCounts: stepCounts, p: p)
                for copy in 0..<copies {
                    let row = copy * n + i
                    for k in 0..<a {
                        lastLogits[row * a + k] = legal[row * a + k] != 0 ? logitsRow[copy, k] : SableNetwork.maskValue
                        lastQValues[row * a + k] = qValue(copy: copy, action: k, legal: legal[row * a + k] != 0)
                    }
                    actions[row] = choose(row: row, random: &random)
                }
            }
        }
    }

    /// S_h ← κ_h·S_h for every state (once per environment step, before use).
    private func decayStates() {
        let c = config, d2 = c.headSize * c.headSize
        for s in states {
            for copy in 0..<copies {
                for h in 0..<c.heads {
                    let base = s + (copy * c.heads + h) * d2
                    for i in 0..<d2 { base[i] *= kappas[h] }
                }
            }
        }
    }

    private func encode(_ observations: UnsafeBufferPointer<Float>, stepCounts: UnsafeBufferPointer<Int32>?, p: ParameterView) {
        let rows = copies * agents
        input.pointer.update(from: observations.baseAddress!, count: observations.count)
        obsNorm.forward(input, scale: p.pointer(layout.obsNorm))
        MatMul.product(obsNorm.output, p.matrix(layout.obsKernel), into: encoderPre)
        Activations.gelu(encoderPre, into: encoderX)
        for (b, block) in layout.encoderBlocks.enumerated() {
            let xin = encoderPre
            RMSNormKernel.forward(encoderX, scale: p.pointer(layout.encoderNorm), into: xin, rstd: rstdScratch)
            encoderRetention[b].step(key: xin, query: xin, value: xin, tokensPerCopy: agents, stepCounts: stepCounts,
                                     states: states[b], p: p, into: retentionOut)
            retentionOut.add(xin)
            RMSNormKernel.forward(retentionOut, scale: p.pointer(block.norm1), into: residual, rstd: rstdScratch)
            if encoderFFN[b].isActive(p) {
                retentionOut.copy(from: residual)
                encoderFFN[b].forward(retentionOut, p: p, scratch: scratch, addInto: residual)
            }
            RMSNormKernel.forward(residual, scale: p.pointer(block.norm2), into: encoderX, rstd: rstdScratch)
        }
        obsRep.prefix(rows: rows).copy(from: encoderX)
    }

    private func buildToken(agent i: Int, actions: UnsafeBufferPointer<Int32>) {
        token.zero()
        for copy in 0..<copies {
            if i == 0 { token[copy, 0] = 1 } else { token[copy, 1 + Int(actions[copy * agents + i - 1])] = 1 }
        }
    }

    private func decode(agent i: Int, stepCounts: UnsafeBufferPointer<Int32>?, p: ParameterView) {
        MatMul.product(token, p.matrix(layout.actionKernel), into: decoderTemp)
        Activations.gelu(decoderTemp, into: decoderTemp)
        RMSNormKernel.forward(decoderTemp, scale: p.pointer(layout.decoderNorm), into: decoderX, rstd: rstdScratch)
        for copy in 0..<copies { decoderRep.rows(copy, 1).copy(from: obsRep.rows(copy * agents + i, 1)) }
        let blocks = config.blocks
        for (b, block) in layout.decoderBlocks.enumerated() {
            selfRetention[b].step(key: decoderX, query: decoderX, value: decoderX, tokensPerCopy: 1, stepCounts: stepCounts,
                                  states: states[blocks + b], p: p, into: decoderSum)
            decoderSum.add(decoderX)
            RMSNormKernel.forward(decoderSum, scale: p.pointer(block.norm1), into: decoderH, rstd: rstdScratch)
            crossRetention[b].step(key: decoderH, query: decoderRep, value: decoderH, tokensPerCopy: 1, stepCounts: stepCounts,
                                   states: states[2 * blocks + b], p: p, into: decoderSum)
            decoderSum.add(decoderRep)
            RMSNormKernel.forward(decoderSum, scale: p.pointer(block.norm2), into: decoderTemp, rstd: rstdScratch)
            decoderSum.copy(from: decoderTemp)
            if decoderFFN[b].isActive(p) { decoderFFN[b].forward(decoderTemp, p: p, scratch: scratch, addInto: decoderSum) }
            RMSNormKernel.forward(decoderSum, scale: p.pointer(block.norm3), into: decoderX, rstd: rstdScratch)
        }
        policyHead.forward(decoderX, p: p, scratch: scratch, into: logitsRow)
        qHead?.forward(decoderX, p: p, scratch: scratch, into: qLogitsRow)
    }

    private func qValue(copy: Int, action k: Int, legal: Bool) -> Float {
        guard legal, qHead != nil else { return SableNetwork.maskValue }
        let bins = config.qBins
        if bins == 1 { return qLogitsRow[copy, k] }
        return binCenters.withUnsafeBufferPointer {
            SableNetwork.expectedQ(qLogitsRow.pointer + copy * qLogitsRow.stride + k * bins, centers: $0.baseAddress!, count: bins)
        }
    }

    private func choose(row: Int, random: inout RandomStream) -> Int32 {
        let a = config.actionCount, base = row * a
        switch selection {
        case .greedyQ, .greedyPolicy:
            let values = selection == .greedyQ ? lastQValues : lastLogits
            return Int32(SableNetwork.greedyAction(count: a) { values[base + $0] })
        case .sample:
            var mx = -Float.infinity
            for k in 0..<a { mx = max(mx, lastLogits[base + k]) }
            var total: Float = 0
            for k in 0..<a { total += expf(lastLogits[base + k] - mx) }
            var u = random.nextUniformFloat() * total
            var last = 0
            for k in 0..<a where lastLogits[base + k] != SableNetwork.maskValue {
                last = k
                u -= expf(lastLogits[base + k] - mx)
                if u < 0 { return Int32(k) }
            }
            return Int32(last)
        }
    }
}

/// Runs `body` with a buffer of `array`, or with nil when there is none.
private func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafeBufferPointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0) }
}
