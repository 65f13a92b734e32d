/// The online policy's input rows (spec online-sable.md §1.3): per agent [one-hot(i) over N,
/// observation features], D_o = N + features, for every copy.
enum PolicyInputs {
    /// Writes `inputs` `(copies, N, N + featureSize)` from `features` `(copies, N, featureSize)`.
    static func fill(_ inputs: inout [Float], features: [Float], copies: Int, agents n: Int, featureSize f: Int) {
        let width = n + f
        for c in 0..<copies {
            for i in 0..<n {
                let row = (c * n + i) * width, source = (c * n + i) * f
                for k in 0..<n { inputs[row + k] = k == i ? 1 : 0 }
                for k in 0..<f { inputs[row + n + k] = features[source + k] }
            }
        }
    }
}
