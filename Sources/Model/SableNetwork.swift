import Kernels
import TensorCore

/// The Sable encoder–decoder in training form (spec §2), batched over B samples; sample b has
/// T·n_b tokens (n_b = N in a padded batch, the real agent count in a compact one, spec §7.1), so
/// every row-wise product sees only the batch's rows and retention only each sample's own tokens.
///
/// `forward` runs the whole window as one chunk (zero initial state, decay with episode resets,
/// §2.5) unless built for online training (`chunkSteps`, `carriesState`: chunks chained by a
/// carried state that starts from given h_start states, online-sable.md §1.7), keeping what backward needs in a workspace sized once for `maxBatch` (retention scores
/// and RMSNorm outputs that only feed the next operation are rebuilt by backward instead, see
/// `MultiScaleRetention` and `NormActivation`); `backward` then
/// accumulates into a gradient arena the gradient for the output gradients written into
/// `logitsGradient` / `qGradient` by a loss.
///
/// Shapes (R = T·Σ n_b rows, ordered as the batch's): `logits` (R, A), illegal entries −3.4028235e38; `qValues` (R, A),
/// the scalar (K = 1) or expected HL-Gauss Q, illegal entries −3.4028235e38; `qLogits` (R, A·K)
/// the raw Q head output; `obsRep` (R, E); `values` (R, 1) the state value of each token's encoder
/// output when the config has a value head (online Sable).
public final class SableNetwork: @unchecked Sendable {
    public let layout: SableLayout
    public let maxBatch: Int
    public let timeSteps: Int
    /// N: the most tokens per timestep of a sample (workspaces are sized for B·T·N rows).
    public let agentSlots: Int
    /// HL-Gauss bin centres (K values) used to read expected Q; empty for scalar Q.
    public let binCenters: [Float]
    /// Samples in the last forward.
    public internal(set) var batchSize = 0
    /// Timesteps per retention chunk (T: the whole window).
    public let chunkSteps: Int
    /// Whether `forward` accepts initial retention states.
    public let carriesState: Bool

    let workspace = Workspace()
    let observations: Matrix
    let actionTokens: Matrix
    let obsNorm: NormActivation
    let obsAct: Matrix
    let encoderBlocks: [EncoderBlock]
    let decoderNorm: NormActivation
    let decoderBlocks: [DecoderBlock]
    let policyHead: OutputHead
    let qHead: OutputHead?
    let valueHead: OutputHead?
    let logitsStore: Matrix
    let qLogitsStore: Matrix
    let qValuesStore: Matrix
    let valuesStore: Matrix
    let dValues: Matrix
    let legalMask: UnsafeMutablePointer<UInt8>
    let dLogits: Matrix
    let dQLogits: Matrix
    let firstVisible: UnsafeMutablePointer<Int32>
    let sampleRowStarts: UnsafeMutablePointer<Int32>
    let sampleAgents: UnsafeMutablePointer<Int32>
    /// Rows of the last forward (T·Σ n_b).
    public internal(set) var rowCount = 0
    let decayPowers: UnsafeMutablePointer<Float>
    let visibleSteps: UnsafeMutablePointer<Int32>
    let initialStateStore: UnsafeMutablePointer<Float>
    let entryStates: UnsafeMutablePointer<Float>
    /// Each row's episode step count (timestep-encoding configs).
    let rowSteps: UnsafeMutablePointer<Int32>
    /// Whether the last forward started from given states.
    var hasInitialStates = false
    let scratch: RetentionScratch
    let gradA, gradB, dObsRep: Matrix
    let dObservations: Matrix

    /// The mask value for illegal logits and Q (pitfall P12).
    public static let maskValue: Float = -Float.greatestFiniteMagnitude

    /// The greedy action: the first index of the largest of `count` (masked) values.
    @inlinable public static func greedyAction(count: Int, _ value: (Int) -> Float) -> Int {
        var best = 0
        for k in 1..<count where value(k) > value(best) { best = k }
        return best
    }

    /// - Parameters: `binCenters`: HL-Gauss centres when `config.qBins > 1` (K values);
    ///   `chunkSteps`: timesteps per retention chunk (nil: the whole window); `carriesState`: room
    ///   for initial states given to `forward`.
    public init(layout: SableLayout, maxBatch: Int, timeSteps: Int, agentSlots: Int, binCenters: [Float] = [],
                chunkSteps: Int? = nil, carriesState: Bool = false) {
        let c = layout.config
        precondition(c.qBins == 1 || binCenters.count == c.qBins, "need \(c.qBins) HL-Gauss bin centres, got \(binCenters.count)")
        let chunk = chunkSteps ?? timeSteps
        precondition(chunk >= 1 && chunk <= timeSteps, "retention chunk of \(chunk) timesteps does not fit a window of \(timeSteps)")
        self.chunkSteps = chunk
        self.carriesState = carriesState
        self.layout = layout
        self.maxBatch = maxBatch
        self.timeSteps = timeSteps
        self.agentSlots = agentSlots
        self.binCenters = binCenters
        let tokens = timeSteps * agentSlots, rows = maxBatch * tokens, e = c.embedding
        let chunks = (timeSteps + chunk - 1) / chunk, stateSize = c.heads * c.headSize * c.headSize
        let ws = workspace
        observations = ws.matrix(rows, c.inputSize)
        actionTokens = ws.matrix(rows, c.actionCount + 1)
        obsNorm = NormActivation(maxRows: rows, cols: c.inputSize, workspace: ws)
        obsAct = ws.matrix(rows, e)
        encoderBlocks = layout.encoderBlocks.enumerated().map {
            EncoderBlock(slices: $1, index: $0, config: c, maxRows: rows, workspace: ws)
        }
        decoderNorm = NormActivation(maxRows: rows, cols: e, workspace: ws)
        decoderBlocks = layout.decoderBlocks.enumerated().map { index, slices in
            DecoderBlock(slices: slices, index: index, config: c, maxRows: rows,
                         isLast: index == layout.decoderBlocks.count - 1, workspace: ws)
        }
        policyHead = OutputHead(slices: layout.policyHead, maxRows: rows, embedding: e, workspace: ws)
        qHead = layout.qHead.map { OutputHead(slices: $0, maxRows: rows, embedding: e, workspace: ws) }
        valueHead = layout.valueHead.map { OutputHead(slices: $0, maxRows: rows, embedding: e, workspace: ws) }
        logitsStore = ws.matrix(rows, c.actionCount)
        qLogitsStore = ws.matrix(rows, c.qWidth)
        qValuesStore = ws.matrix(rows, c.actionCount)
        valuesStore = ws.matrix(c.hasValueHead ? rows : 0, 1)
        dValues = ws.matrix(c.hasValueHead ? rows : 0, 1)
        legalMask = UnsafeMutableRawPointer(ws.floats(rows * c.actionCount)).bindMemory(to: UInt8.self, capacity: rows * c.actionCount)
        dLogits = ws.matrix(rows, c.actionCount)
        dQLogits = ws.matrix(rows, c.qWidth)
        firstVisible = ws.integers(maxBatch * timeSteps)
        sampleRowStarts = ws.integers(maxBatch + 1)
        sampleAgents = ws.integers(maxBatch)
        decayPowers = ws.floats(c.heads * (timeSteps + 1))
        visibleSteps = ws.integers(maxBatch * chunks)
        initialStateStore = ws.floats(carriesState ? 3 * c.blocks * maxBatch * stateSize : 0)
        entryStates = ws.floats(maxBatch * (chunks - 1) * stateSize)
        rowSteps = ws.integers(c.timestepEncoding ? rows : 0)
        scratch = RetentionScratch(maxRows: rows, embedding: e, headSize: c.headSize, tokens: chunk * agentSlots,
                                   encodesTimesteps: c.timestepEncoding, workspace: ws)
        gradA = ws.matrix(rows, e)
        gradB = ws.matrix(rows, e)
        dObsRep = ws.matrix(rows, e)
        dObservations = ws.matrix(rows, c.inputSize)
        let kappas = c.decayRates
        for h in 0..<c.heads {
            var w: Float = 1
            for t in 0...timeSteps { decayPowers[h * (timeSteps + 1) + t] = w; w *= kappas[h] }
        }
    }

    public var config: ModelConfig { layout.config }
    public var logits: Matrix { logitsStore.prefix(rows: rowCount) }
    public var qValues: Matrix { qValuesStore.prefix(rows: rowCount) }
    public var qLogits: Matrix { qLogitsStore.prefix(rows: rowCount) }
    /// State values (R, 1) of the last forward (value-head configs only).
    public var values: Matrix { valuesStore.prefix(rows: rowCount) }
    /// Gradient with respect to `values`; a loss writes it before `backward` (value-head configs only).
    public var valueGradient: Matrix { dValues.prefix(rows: rowCount) }
    public var obsRep: Matrix {
        (encoderBlocks.last?.norm2.output ?? obsAct).prefix(rows: rowCount)
    }
    /// Shifted action tokens fed to the decoder (R, A+1) (spec §1.5, §7.1).
    public var decoderInputs: Matrix { actionTokens.prefix(rows: rowCount) }
    /// Gradient of the loss with respect to the (masked) logits; the loss writes it before `backward`.
    public var logitsGradient: Matrix { dLogits.prefix(rows: rowCount) }
    /// Gradient with respect to `qLogits` (= Q itself when K = 1).
    public var qGradient: Matrix { dQLogits.prefix(rows: rowCount) }
    /// 1 where action a of row r is legal (R·A bytes) for the last forward.
    public func isLegal(row: Int, action: Int) -> Bool { legalMask[row * config.actionCount + action] != 0 }

    /// The last forward's samples, with the encoder's (full) or the decoder's (causal) decay.
    func sequences(causal: Bool) -> SampleSequences {
        SampleSequences(count: batchSize, timeSteps: timeSteps, rowStarts: sampleRowStarts, agents: sampleAgents,
                        firstVisible: firstVisible, powers: decayPowers, causal: causal, chunkSteps: chunkSteps,
                        visibleSteps: visibleSteps, initialStates: hasInitialStates ? UnsafePointer(initialStateStore) : nil,
                        entryStates: entryStates, maxBatch: maxBatch, heads: config.heads, headSize: config.headSize,
                        rowSteps: config.timestepEncoding ? UnsafePointer(rowSteps) : nil)
    }
}
