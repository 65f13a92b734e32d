import Foundation
import Kernels
import TensorCore

/// How an acting policy picks each agent's action (spec §8).
public enum ActionSelection: String, Codable, Sendable, CaseIterable {
    /// Sample from π (Oryx, BC-Sable).
    case sample
    /// argmax over legal actions of the (expected) Q (CQL-Sable).
    case greedyQ
    /// argmax of π (diagnostics).
    case greedyPolicy
}

/// The Sable network in acting (recurrent) form for C environment copies of n agents (spec §8).
///
/// Per copy it carries three retention states (encoder, decoder-self, decoder-cross), each
/// (n_block, H, d, d). A step decays every state by κ_h, runs the encoder over the copy's n
/// agents at once, then the decoder agent by agent, feeding the action just chosen.
/// Inputs are D_o-wide rows (agent-ID one-hot + features); all n rows are treated as real agents.
public final class SablePolicy: @unchecked Sendable {
    public let layout: SableLayout
    public let copies: Int
    public let agents: Int
    public let selection: ActionSelection
    public let binCenters: [Float]

    let workspace = Workspace()
    let states: [UnsafeMutablePointer<Float>]  // 3 modules × blocks, each (C, H, d, d)
    let input: Matrix
    let obsNorm: NormActivation
    let encoderX, encoderPre, residual, retentionOut: Matrix
    let encoderRetention: [RecurrentRetention]
    let encoderFFN: [FeedForward]
    let obsRep: Matrix
    let token: Matrix
    let decoderX, decoderRep, decoderTemp, decoderH, decoderSum: Matrix
    let selfRetention: [RecurrentRetention]
    let crossRetention: [RecurrentRetention]
    let decoderFFN: [FeedForward]
    let policyHead: OutputHead
    let qHead: OutputHead?
    let valueHead: OutputHead?
    let logitsRow, qLogitsRow, valueRows: Matrix
    /// κ_h per head (computed once: a step allocates nothing).
    let kappas: [Float]
    let rstdScratch: UnsafeMutablePointer<Float>
    let scratch: RetentionScratch
    /// Logits and (expected) Q of every agent of the last step, (C·n, A), illegal → mask value.
    public internal(set) var lastLogits: [Float]
    public internal(set) var lastQValues: [Float]
    /// State value of every agent of the last step (C·n), with a value head; empty without.
    public internal(set) var lastValues: [Float]

    public init(layout: SableLayout, copies: Int, agents: Int, selection: ActionSelection, binCenters: [Float] = []) {
        let c = layout.config, e = c.embedding
        precondition(selection != .greedyQ || c.hasQHead, "greedy-Q acting needs a Q head")
        precondition(c.qBins == 1 || binCenters.count == c.qBins, "need \(c.qBins) bin centres")
        self.layout = layout
        self.copies = copies
        self.agents = agents
        self.selection = selection
        self.binCenters = binCenters
        let ws = workspace, rows = copies * agents
        states = (0..<(3 * c.blocks)).map { _ in ws.floats(copies * c.heads * c.headSize * c.headSize) }
        input = ws.matrix(rows, c.inputSize)
        obsNorm = NormActivation(maxRows: rows, cols: c.inputSize, workspace: ws)
        encoderX = ws.matrix(rows, e)
        encoderPre = ws.matrix(rows, e)
        residual = ws.matrix(rows, e)
        retentionOut = ws.matrix(rows, e)
        encoderRetention = layout.encoderBlocks.map { RecurrentRetention(slices: $0.retention, config: c, maxRows: rows, workspace: ws) }
        encoderFFN = layout.encoderBlocks.map { FeedForward(slices: $0.feedForward) }
        obsRep = ws.matrix(rows, e)
        token = ws.matrix(copies, c.actionCount + 1)
        decoderX = ws.matrix(copies, e)
        decoderRep = ws.matrix(copies, e)
        decoderTemp = ws.matrix(copies, e)
        decoderH = ws.matrix(copies, e)
        decoderSum = ws.matrix(copies, e)
        selfRetention = layout.decoderBlocks.map { RecurrentRetention(slices: $0.selfRetention, config: c, maxRows: copies, workspace: ws) }
        crossRetention = layout.decoderBlocks.map { RecurrentRetention(slices: $0.crossRetention, config: c, maxRows: copies, workspace: ws) }
        decoderFFN = layout.decoderBlocks.map { FeedForward(slices: $0.feedForward) }
        policyHead = OutputHead(slices: layout.policyHead, maxRows: copies, embedding: e, workspace: ws)
        qHead = layout.qHead.map { OutputHead(slices: $0, maxRows: copies, embedding: e, workspace: ws) }
        valueHead = layout.valueHead.map { OutputHead(slices: $0, maxRows: rows, embedding: e, workspace: ws) }
        logitsRow = ws.matrix(copies, c.actionCount)
        qLogitsRow = ws.matrix(copies, c.qWidth)
        valueRows = ws.matrix(c.hasValueHead ? rows : 0, 1)
        kappas = c.decayRates
        rstdScratch = ws.floats(rows)
        scratch = RetentionScratch(maxRows: rows, embedding: e, headSize: c.headSize, tokens: 1, encodesTimesteps: false, workspace: ws)
        lastLogits = [Float](repeating: 0, count: rows * c.actionCount)
        lastQValues = [Float](repeating: 0, count: rows * c.actionCount)
        lastValues = [Float](repeating: 0, count: c.hasValueHead ? rows : 0)
    }

    public var config: ModelConfig { layout.config }

    /// Zeroes the three retention states of copy `copy` (episode start).
    public func reset(copy: Int) {
        let size = config.heads * config.headSize * config.headSize
        for s in states { (s + copy * size).update(repeating: 0, count: size) }
    }

    /// Floats in all retention states of every copy: 3 modules × blocks × C·H·d·d.
    public var stateCount: Int { states.count * copies * config.heads * config.headSize * config.headSize }

    /// Copies every retention state into `buffer` (`stateCount` floats); allocates nothing.
    public func saveStates(into buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count == stateCount, "state buffer holds \(buffer.count) floats, the policy \(stateCount)")
        let size = stateCount / states.count
        for (m, s) in states.enumerated() { (buffer.baseAddress! + m * size).update(from: s, count: size) }
    }

    /// Sets every retention state from `buffer`, as written by `saveStates`; allocates nothing.
    public func restoreStates(from buffer: UnsafeBufferPointer<Float>) {
        precondition(buffer.count == stateCount, "state buffer holds \(buffer.count) floats, the policy \(stateCount)")
        let size = stateCount / states.count
        for (m, s) in states.enumerated() { s.update(from: buffer.baseAddress! + m * size, count: size) }
    }

    /// The retention state of `copy` for module 0 encoder / 1 decoder-self / 2 decoder-cross, as
    /// (n_block, H, d, d) values.
    public func state(copy: Int, module: Int) -> [Float] {
        let c = config, size = c.heads * c.headSize * c.headSize
        var out: [Float] = []
        for b in 0..<c.blocks { out += Array(UnsafeBufferPointer(start: states[module * c.blocks + b] + copy * size, count: size)) }
        return out
    }
}
