/// The HL-Gauss value support of an environment (spec §5, defaults [ASSUMED]): the observed range of
/// per-step discounted return-to-go over the given datasets, widened by `padding` of its width on
/// each side.
///
/// Properties: every stored return-to-go lies inside `[minimum, maximum]`; minimum < maximum.
public struct ReturnToGoSupport: Sendable, Equatable {
    public let minimum: Double
    public let maximum: Double

    /// - Parameter padding: fraction of the range added below and above (0.1 = 10 %).
    ///   A range of zero width is widened to ±1 around its value so bins stay finite.
    public init(datasets: [DatasetFile], padding: Double = 0.1) {
        precondition(!datasets.isEmpty, "ReturnToGoSupport needs at least one dataset")
        let low = datasets.map(\.metadata.returnToGoMin).min()!
        let high = datasets.map(\.metadata.returnToGoMax).max()!
        let width = high - low
        if width > 0 {
            minimum = low - padding * width
            maximum = high + padding * width
        } else {
            minimum = low - 1
            maximum = high + 1
        }
    }
}
