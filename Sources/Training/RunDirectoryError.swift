/// Run-directory problems.
public enum RunDirectoryError: Error, CustomStringConvertible {
    case cannotWrite(String)
    case notEmpty(String)
    case missingCheckpoint(String)
    case missingBest(String)
    case missingFile(String)
    case unreadableReport(String, String)
    /// The run, the setting, and (where known) its saved and given values.
    case configMismatch(String, String, values: (saved: String, given: String)? = nil)
    case locked(String, String)
    case insideDataDirectory(String, String)
    case unusableCheckpoint(String, String, previous: String?)
    /// A directory that holds something other than a run of the command that was asked for.
    case foreign(String, String)
    /// A metrics CSV whose header names other columns than the row to append (file, its header, the row's).
    case otherColumns(String, String, String)

    public var description: String {
        switch self {
        case .cannotWrite(let p): "cannot write \(p); check permissions and free space."
        case .notEmpty(let p):
            "run directory \(p) already holds a run; pass `--resume \(p)` to continue it, or choose another --out."
        case .missingCheckpoint(let p): "no checkpoint in \(p) (expected \(p)/checkpoints/latest.ckpt)."
        case .missingBest(let p):
            "\(p) has no checkpoints/best.ckpt: no periodic evaluation has chosen best parameters (--eval-every 0, or "
                + "stopped before the first); evaluate the latest parameters with --checkpoint latest."
        case .missingFile(let p): "\(p) does not exist; is this a run directory written by `mtrl-dist train` or `online`, and has the run got that far?"
        case let .unreadableReport(p, why): "cannot read \(p) (\(why)); the run did not finish writing it, re-run its final evaluation with `mtrl-dist evaluate`."
        case let .locked(p, holder):
            "run directory \(p) is in use by \(holder); wait for it to finish or stop it first (a crashed holder releases the lock)."
        case let .insideDataDirectory(p, data):
            "--out \(p) is inside the dataset directory \(data); choose a run directory outside it (e.g. runs/NAME)."
        case let .unusableCheckpoint(p, why, previous):
            "cannot resume \(p): \(why). " + (previous.map {
                "The checkpoint before it is intact: `mv \(p)/checkpoints/previous.ckpt \(p)/checkpoints/latest.ckpt` and resume again "
                    + "(\($0); metrics after its update are dropped on resume), or start a new run."
            } ?? "No older checkpoint is kept in this run; start a new run.")
        case let .foreign(p, why):
            "\(p) is not a run directory of this command (\(why)); choose a new or empty directory for --out."
        case let .otherColumns(p, existing, row):
            "\(p) has other columns (\(existing)) than the row to append (\(row)); nothing was written to it. Move the file "
                + "aside to start a new one."
        case let .configMismatch(p, key, values):
            "cannot resume \(p): setting '\(key)' differs from the saved run's config.json"
                + (values.map { " (saved \($0.saved), given \($0.given))" } ?? "") + "; resume with the same settings."
        }
    }
}
