import Kernels

/// The samples of a (possibly ragged) batch as retention sees them (spec §2.5, §7.1): sample b is
/// the T·n_b consecutive rows from `rowStarts[b]`, time-major with n_b tokens per timestep, and
/// decays by κ_h per timestep with its episode resets. Retention runs in chunks of `chunkSteps`
/// timesteps (T for the whole window) chaining a carried state (online-sable.md §1.7), which
/// starts from `initialStates` when given. Views of the network's workspace, valid for one
/// forward/backward call.
struct SampleSequences {
    /// Samples B.
    let count: Int
    let timeSteps: Int
    /// First row of each sample, then the row count (B + 1 values).
    let rowStarts: UnsafePointer<Int32>
    /// n_b per sample.
    let agents: UnsafePointer<Int32>
    /// First visible timestep per sample and query timestep, counted from the query's chunk start (B·T values).
    let firstVisible: UnsafePointer<Int32>
    /// κ_h^k for head h, k = 0...T (H·(T+1) values).
    let powers: UnsafePointer<Float>
    /// Decoder retention: also hide later tokens of the same timestep.
    let causal: Bool
    let chunkSteps: Int
    /// Per sample and chunk: the timesteps that see the state carried in (B·chunks values).
    let visibleSteps: UnsafePointer<Int32>
    /// The states entering each sample, (modules, maxBatch, H, d, d) with modules = 3·blocks
    /// (encoder blocks, decoder self, decoder cross), or nil for zero states.
    let initialStates: UnsafePointer<Float>?
    /// Room for every sample's and head's states between chunks (maxBatch·H·(chunks − 1)·d·d).
    let entryStates: UnsafeMutablePointer<Float>
    let maxBatch: Int
    let heads: Int
    let headSize: Int
    /// Each row's episode step count, with the timestep encoding (nil without).
    let rowSteps: UnsafePointer<Int32>?

    /// Rows of sample b.
    func rows(_ b: Int) -> (start: Int, count: Int) {
        let start = Int(rowStarts[b])
        return (start, Int(rowStarts[b + 1]) - start)
    }

    var chunks: Int { (timeSteps + chunkSteps - 1) / chunkSteps }

    /// The decay of sample b for head h.
    func decay(sample b: Int, head h: Int) -> DecayPattern {
        DecayPattern(powers: powers + h * (timeSteps + 1), firstVisible: firstVisible + b * timeSteps, agents: Int(agents[b]),
                     causal: causal)
    }

    /// The carried state of sample b, head h in state module `module`.
    func state(sample b: Int, head h: Int, module: Int) -> CarriedState {
        let d2 = headSize * headSize
        return CarriedState(chunkSteps: chunkSteps, visibleSteps: visibleSteps + b * chunks,
                            initial: initialStates.map { $0 + ((module * maxBatch + b) * heads + h) * d2 },
                            entries: entryStates + (b * heads + h) * max(chunks - 1, 0) * d2)
    }
}
