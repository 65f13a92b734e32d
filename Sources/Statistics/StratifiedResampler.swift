import TensorCore

/// Draws stratified bootstrap resamples of one score matrix into a preallocated buffer: for every
/// task (stratum) independently, `runCount` runs drawn with replacement from that task's runs
/// (rliable's `StratifiedBootstrap` without task bootstrapping). Resamples are task-major like
/// `ScoreMatrix.taskMajor`; drawing one allocates nothing.
struct StratifiedResampler {
    let runCount: Int
    let taskCount: Int
    private let source: [Double]
    /// The latest resample (element `task * runCount + run`).
    private(set) var resample: [Double]

    init(_ scores: ScoreMatrix) {
        runCount = scores.runCount
        taskCount = scores.taskCount
        source = scores.taskMajor
        resample = source
    }

    /// Replaces `resample` by a fresh stratified resample.
    mutating func draw(using random: inout RandomStream) {
        let runs = runCount
        source.withUnsafeBufferPointer { source in
            resample.withUnsafeMutableBufferPointer { resample in
                for task in 0..<taskCount {
                    let base = task * runs
                    for slot in 0..<runs { resample[base + slot] = source[base + random.nextInt(below: runs)] }
                }
            }
        }
    }
}
