import TensorCore

/// Parameter slices of one multi-scale retention module (spec §2.4), flax names.
public struct RetentionSlices: Sendable {
    /// Per head: W_q^h, W_k^h, W_v^h, each (E, d).
    public let query: [ParameterSlice]
    public let key: [ParameterSlice]
    public let value: [ParameterSlice]
    /// W_g, W_o (E, E).
    public let gate: ParameterSlice
    public let output: ParameterSlice
    /// GroupNorm affine (d).
    public let normScale: ParameterSlice
    public let normBias: ParameterSlice
}

/// SwiGLU FFN slices (E, E) each (spec §2.1).
public struct FeedForwardSlices: Sendable {
    public let gate: ParameterSlice
    public let linear: ParameterSlice
    public let output: ParameterSlice
}

public struct EncoderBlockSlices: Sendable {
    public let retention: RetentionSlices
    public let norm1: ParameterSlice
    public let norm2: ParameterSlice
    public let feedForward: FeedForwardSlices
}

public struct DecoderBlockSlices: Sendable {
    public let selfRetention: RetentionSlices
    public let crossRetention: RetentionSlices
    public let norm1: ParameterSlice
    public let norm2: ParameterSlice
    public let norm3: ParameterSlice
    public let feedForward: FeedForwardSlices
}

/// head(x) = Lin_2(RMSNorm(GELU(Lin_1(x)))) (spec §2.7.3).
public struct HeadSlices: Sendable {
    public let kernel1: ParameterSlice
    public let bias1: ParameterSlice
    public let norm: ParameterSlice
    public let kernel2: ParameterSlice
    public let bias2: ParameterSlice
}

/// Every parameter of a Sable network in one arena, named by the flax paths of the reference
/// (reference-model/README.md name map). Kernels are stored (in, out) and used as y = x·W.
public struct SableLayout: Sendable {
    public let config: ModelConfig
    public let arena: ArenaLayout
    public let obsNorm: ParameterSlice
    public let obsKernel: ParameterSlice
    public let encoderNorm: ParameterSlice
    public let encoderBlocks: [EncoderBlockSlices]
    public let actionKernel: ParameterSlice
    public let decoderNorm: ParameterSlice
    public let decoderBlocks: [DecoderBlockSlices]
    public let policyHead: HeadSlices
    public let qHead: HeadSlices?
    /// V(ô_i) of online Sable, (E → 1), last in the arena so that the other slices keep their offsets.
    public let valueHead: HeadSlices?

    public init(config: ModelConfig) {
        self.config = config
        let e = config.embedding, d = config.headSize, a = config.actionCount
        var arena = ArenaLayout()
        func retention(_ p: String) -> RetentionSlices {
            var q: [ParameterSlice] = [], k: [ParameterSlice] = [], v: [ParameterSlice] = []
            for h in 0..<config.heads {
                q.append(arena.add("\(p)/retention_heads_\(h)/w_q", shape: [e, d]))
                k.append(arena.add("\(p)/retention_heads_\(h)/w_k", shape: [e, d]))
                v.append(arena.add("\(p)/retention_heads_\(h)/w_v", shape: [e, d]))
            }
            return RetentionSlices(
                query: q, key: k, value: v, gate: arena.add("\(p)/w_g", shape: [e, e]),
                output: arena.add("\(p)/w_o", shape: [e, e]),
                normScale: arena.add("\(p)/group_norm/scale", shape: [d]),
                normBias: arena.add("\(p)/group_norm/bias", shape: [d]))
        }
        func ffn(_ p: String) -> FeedForwardSlices {
            FeedForwardSlices(gate: arena.add("\(p)/W_gate", shape: [e, e]), linear: arena.add("\(p)/W_linear", shape: [e, e]),
                              output: arena.add("\(p)/W_output", shape: [e, e]))
        }
        func head(_ p: String, out: Int) -> HeadSlices {
            HeadSlices(kernel1: arena.add("\(p)/layers_0/kernel", shape: [e, e]), bias1: arena.add("\(p)/layers_0/bias", shape: [e]),
                       norm: arena.add("\(p)/layers_2/scale", shape: [e]),
                       kernel2: arena.add("\(p)/layers_3/kernel", shape: [e, out]), bias2: arena.add("\(p)/layers_3/bias", shape: [out]))
        }
        obsNorm = arena.add("encoder/obs_encoder/layers_0/scale", shape: [config.inputSize])
        obsKernel = arena.add("encoder/obs_encoder/layers_1/kernel", shape: [config.inputSize, e])
        encoderNorm = arena.add("encoder/ln/scale", shape: [e])
        encoderBlocks = (0..<config.blocks).map { b in
            let p = "encoder/encoder_block_\(b)"
            return EncoderBlockSlices(retention: retention("\(p)/retn"), norm1: arena.add("\(p)/ln1/scale", shape: [e]),
                                      norm2: arena.add("\(p)/ln2/scale", shape: [e]), feedForward: ffn("\(p)/ffn"))
        }
        actionKernel = arena.add("decoder/action_encoder/layers_0/kernel", shape: [a + 1, e])
        decoderNorm = arena.add("decoder/ln/scale", shape: [e])
        decoderBlocks = (0..<config.blocks).map { b in
            let p = "decoder/decoder_block_\(b)"
            return DecoderBlockSlices(
                selfRetention: retention("\(p)/retn1"), crossRetention: retention("\(p)/retn2"),
                norm1: arena.add("\(p)/ln1/scale", shape: [e]), norm2: arena.add("\(p)/ln2/scale", shape: [e]),
                norm3: arena.add("\(p)/ln3/scale", shape: [e]), feedForward: ffn("\(p)/ffn"))
        }
        policyHead = head("decoder/policy_head", out: a)
        qHead = config.hasQHead ? head("decoder/q_value_head", out: config.qWidth) : nil
        valueHead = config.hasValueHead ? head("encoder/value_head", out: 1) : nil
        self.arena = arena
    }

    /// The arena ranges whose gradients the training backward completes, in the order it completes
    /// them (last layers first): both heads, each decoder block from the last, the decoder's input
    /// layers (action encoder, decoder norm), each encoder block from the last, then the
    /// observation encoder with the encoder's shared norm, which every encoder block accumulates
    /// into. Together they tile `0..<arena.totalCount`, padding included.
    public var backwardStages: [Range<Int>] {
        func start(_ retention: RetentionSlices) -> Int { retention.query[0].offset }
        let bounds = [0] + encoderBlocks.map { start($0.retention) } + [actionKernel.offset]
            + decoderBlocks.map { start($0.selfRetention) } + [policyHead.kernel1.offset, arena.totalCount]
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }.reversed()
    }

    /// Every RMSNorm / GroupNorm scale (initialised to 1).
    var unitScales: [ParameterSlice] {
        var s = [obsNorm, encoderNorm, decoderNorm, policyHead.norm]
        if let qHead { s.append(qHead.norm) }
        if let valueHead { s.append(valueHead.norm) }
        for b in encoderBlocks { s += [b.norm1, b.norm2, b.retention.normScale] }
        for b in decoderBlocks { s += [b.norm1, b.norm2, b.norm3, b.selfRetention.normScale, b.crossRetention.normScale] }
        return s
    }
}
