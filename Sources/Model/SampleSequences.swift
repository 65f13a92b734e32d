import Kernels

/// The samples of a (possibly ragged) batch as retention sees them (spec §2.5, §7.1): sample b is
/// the T·n_b consecutive rows from `rowStarts[b]`, time-major with n_b tokens per timestep, and
/// decays by κ_h per timestep with its episode resets. Views of the network's workspace, valid
/// for one forward/backward call.
struct SampleSequences {
    /// Samples B.
    let count: Int
    let timeSteps: Int
    /// First row of each sample, then the row count (B + 1 values).
    let rowStarts: UnsafePointer<Int32>
    /// n_b per sample.
    let agents: UnsafePointer<Int32>
    /// First visible timestep per sample and query timestep (B·T values).
    let firstVisible: UnsafePointer<Int32>
    /// κ_h^k for head h, k = 0..<T (H·T values).
    let powers: UnsafePointer<Float>
    /// Decoder retention: also hide later tokens of the same timestep.
    let causal: Bool

    /// Rows of sample b.
    func rows(_ b: Int) -> (start: Int, count: Int) {
        let start = Int(rowStarts[b])
        return (start, Int(rowStarts[b + 1]) - start)
    }

    /// The decay of sample b for head h.
    func decay(sample b: Int, head h: Int) -> DecayPattern {
        DecayPattern(powers: powers + h * timeSteps, firstVisible: firstVisible + b * timeSteps, agents: Int(agents[b]),
                     causal: causal)
    }
}
