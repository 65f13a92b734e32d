import Foundation

/// How absent agent slots enter the decoder (spec §7.1).
public enum PaddingMode: String, Codable, Sendable, CaseIterable {
    /// Absent slot → zero decoder input; active slots see the previous *active* slot's action.
    case inert
    /// Literal §1.5 over all slots: start token at slot 0, previous slot's stored action otherwise.
    case naive
}

/// Sizes and switches of one Sable network (spec §2, §3).
public struct ModelConfig: Codable, Equatable, Sendable {
    /// Embedding width E.
    public var embedding: Int
    /// Retention heads H (head size d = E/H; GroupNorm needs d divisible by H).
    public var heads: Int
    /// Encoder blocks = decoder blocks.
    public var blocks: Int
    /// Per-agent input width D_o, agent-ID one-hot included.
    public var inputSize: Int
    /// Discrete actions A.
    public var actionCount: Int
    /// HL-Gauss bins K of the Q head (1 = scalar Q).
    public var qBins: Int
    /// s_decay of spec §2.2 (0.5 for Oryx).
    public var decayScaling: Double
    /// false for BC-Sable (no Q head).
    public var hasQHead: Bool
    /// true for online (PPO) Sable: a state-value head on the encoder output (online-sable.md §1.3 step 3).
    public var hasValueHead: Bool
    /// Memory Sable's sinusoidal code of the episode step count on every retention's inputs
    /// (online-sable.md §1.3 step 2, P11; on in Mava's latest rec config); off for offline training.
    public var timestepEncoding: Bool
    public var paddingMode: PaddingMode

    public init(embedding: Int, heads: Int, blocks: Int, inputSize: Int, actionCount: Int, qBins: Int = 1,
                decayScaling: Double = 0.5, hasQHead: Bool = true, paddingMode: PaddingMode = .inert,
                hasValueHead: Bool = false, timestepEncoding: Bool = false) {
        self.embedding = embedding
        self.heads = heads
        self.blocks = blocks
        self.inputSize = inputSize
        self.actionCount = actionCount
        self.qBins = qBins
        self.decayScaling = decayScaling
        self.hasQHead = hasQHead
        self.hasValueHead = hasValueHead
        self.timestepEncoding = timestepEncoding
        self.paddingMode = paddingMode
    }

    /// Head size d = E/H.
    public var headSize: Int { embedding / heads }
    /// Width of the Q head output: A (scalar) or A·K.
    public var qWidth: Int { actionCount * qBins }

    /// κ_h = s·(1 − exp(u_h)), u_h equally spaced from ln(1/32) to ln(1/512) (spec §2.2), in Float32.
    public var decayRates: [Float] {
        let lo = log(1.0 / 32), hi = log(1.0 / 512)
        return (0..<heads).map { h in
            let u = heads == 1 ? lo : lo + (hi - lo) * Double(h) / Double(heads - 1)
            return Float(decayScaling * (1 - exp(u)))
        }
    }

    /// Parameter count by the closed formula of spec §3.
    public var formulaParameterCount: Int {
        let e = embedding, h = heads, a = actionCount, k = qBins, d = inputSize
        var p = blocks * (21 * e * e + 5 * e + 6 * e / h) + 2 * e * e + e * (d + 2 * a + a * k + 7) + d + a + a * k
        if !hasQHead { p -= e * e + 2 * e + e * a * k + a * k }
        if hasValueHead { p += e * e + 3 * e + 1 }
        return p
    }

    /// Embedding sizes E every command accepts.
    public static let embeddingRange = 4...8192
    /// Retention head counts H every command accepts.
    public static let headRange = 1...64
    /// Block counts every command accepts.
    public static let blockRange = 1...64

    /// The one rule for the network's shape: E, H and blocks within their ranges, E divisible by H,
    /// and the head size E/H divisible by H (GroupNorm of spec §2.4).
    /// - Throws: `ModelConfigError` naming the field and what it must be.
    public static func checkShape(embedding: Int, heads: Int, blocks: Int) throws {
        func fail(_ field: String, _ found: Int, _ expected: String) throws {
            throw ModelConfigError.invalid(field: field, found: found, expected: expected)
        }
        if !embeddingRange.contains(embedding) {
            try fail("embedding", embedding, "an integer in \(embeddingRange.lowerBound)...\(embeddingRange.upperBound)")
        }
        if !headRange.contains(heads) { try fail("heads", heads, "an integer in \(headRange.lowerBound)...\(headRange.upperBound)") }
        if embedding % heads != 0 { try fail("heads", heads, "a divisor of the embedding (\(embedding) is not divisible by \(heads))") }
        if (embedding / heads) % heads != 0 {
            try fail("heads", heads, "H with the head size E/H divisible by H (GroupNorm of spec §2.4); head size \(embedding / heads) is not divisible by \(heads)")
        }
        if !blockRange.contains(blocks) { try fail("blocks", blocks, "an integer in \(blockRange.lowerBound)...\(blockRange.upperBound)") }
    }

    /// Throws when the sizes cannot build a network.
    public func validate() throws {
        try Self.checkShape(embedding: embedding, heads: heads, blocks: blocks)
        func fail(_ field: String, _ found: Int, _ expected: String) throws {
            throw ModelConfigError.invalid(field: field, found: found, expected: expected)
        }
        if inputSize < 1 { try fail("inputSize", inputSize, "at least 1") }
        if actionCount < 2 { try fail("actionCount", actionCount, "at least 2") }
        if qBins < 1 { try fail("qBins", qBins, "1 (scalar Q) or the HL-Gauss bin count") }
    }
}

/// A model configuration that cannot be built.
public enum ModelConfigError: Error, CustomStringConvertible, Equatable {
    case invalid(field: String, found: Int, expected: String)

    public var description: String {
        switch self {
        case let .invalid(field, found, expected):
            "model config: \(field) is \(found), expected \(expected); fix the model flags or config file."
        }
    }
}
