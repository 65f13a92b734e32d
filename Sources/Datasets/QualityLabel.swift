/// The quality label of an online snapshot's episodes (spec online-sable.md §2.3, a project choice):
/// by the snapshot's normalised label score q = R_snapshot / R_ref, Poor below 1/3, Medium below 2/3,
/// Good from 2/3.
public enum QualityLabel: String, CaseIterable, Sendable {
    case poor = "Poor", medium = "Medium", good = "Good"

    /// The label of normalised score `q`; nil when q is unknown (NaN: no usable reference).
    public init?(normalisedScore q: Double) {
        guard !q.isNaN else { return nil }
        self = q < 1.0 / 3 ? .poor : q < 2.0 / 3 ? .medium : .good
    }

    /// The stored code: 1, 2, 3 (0 = no label).
    var code: UInt8 {
        switch self {
        case .poor: 1
        case .medium: 2
        case .good: 3
        }
    }
}
