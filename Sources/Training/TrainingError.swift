import Distributed

/// A training run that stopped on every rank at once (see `CollectiveError`).
public enum TrainingError: CollectiveError, CustomStringConvertible {
    /// An update's loss or gradient norm was NaN or infinite; nothing of it reached the parameters.
    case nonFiniteUpdate(update: Int, terms: String, gradientNorm: Double, run: String, lastCheckpoint: Int?)

    public var description: String {
        switch self {
        case let .nonFiniteUpdate(update, terms, norm, run, checkpoint):
            "update \(update): not finite: loss terms \(terms), gradient norm \(norm). Every rank stopped; "
                + (checkpoint.map { "\(run)/checkpoints/latest.ckpt (update \($0)) is untouched. " } ?? "no checkpoint was written. ")
                + "Check the data (`mtrl-dist dataset verify DATA`), lower --lr, or pass --non-finite skip to skip such updates."
        }
    }
}
