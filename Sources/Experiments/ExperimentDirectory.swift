import BinaryFormat
import Foundation
import Training

/// The files of an experiment (`--out EXP_DIR`): `experiment.json` (the grid), `runs/<cell id>/`
/// (ordinary run directories), `claims/<cell id>/.lock` (who is running a cell), `failed.txt`
/// (why it failed) and `reused-from.txt` (the run it was copied from), subsampled data
/// for fig5a (`data-fraction-F/`), and what `report` writes: `results.json`, `marl-eval.json`,
/// `plots/*.svg`, `report.md`.
public struct ExperimentDirectory: Sendable {
    /// Absolute path of EXP_DIR.
    public let path: String

    public init(path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public var specFile: String { "\(path)/experiment.json" }
    public var resultsFile: String { "\(path)/results.json" }
    public var marlEvalFile: String { "\(path)/marl-eval.json" }
    public var reportFile: String { "\(path)/report.md" }
    public var plotsDirectory: String { "\(path)/plots" }
    /// The default dataset root when `--data` is not given.
    public var defaultData: String { "\(path)/data" }

    public func runDirectory(_ cellID: String) -> String { "\(path)/runs/\(cellID)" }
    public func claimDirectory(_ cellID: String) -> String { "\(path)/claims/\(cellID)" }
    /// Why a run failed (written when all its ranks stopped together, e.g. on a non-finite update).
    public func failureFile(_ cellID: String) -> String { "\(claimDirectory(cellID))/failed.txt" }
    /// Which other experiment's run a cell's run was copied from (`--reuse`).
    public func reuseFile(_ cellID: String) -> String { "\(claimDirectory(cellID))/reused-from.txt" }
    /// fig5a's dataset root holding `fraction` of every training task's episodes.
    public func subsampledData(fraction: Double) -> String { "\(path)/data-fraction-\(ExperimentPlan.fractionText(fraction))" }

    /// `path` relative to EXP_DIR ("data", "../shared-data"), as reports write it: they travel with
    /// the directory (and into results/), the machine's absolute paths do not.
    public func relative(_ path: String) -> String {
        let from = self.path.split(separator: "/"), to = URL(fileURLWithPath: path).standardizedFileURL.path.split(separator: "/")
        let common = zip(from, to).prefix { $0 == $1 }.count
        let steps = Array(repeating: "..", count: from.count - common) + to.dropFirst(common).map(String.init)
        return steps.isEmpty ? "." : steps.joined(separator: "/")
    }

    /// The experiment this directory holds, or nil when it has none yet.
    /// - Throws: `ExperimentError.unreadable` for a damaged experiment.json.
    public func readSpec() throws -> ExperimentSpec? {
        guard let data = FileManager.default.contents(atPath: specFile) else { return nil }
        do { return try JSONDecoder().decode(ExperimentSpec.self, from: data) } catch {
            throw ExperimentError.unreadable(specFile, "\(error); it is written by `mtrl-dist experiment run`")
        }
    }

    /// Records `spec` as this directory's experiment, or checks it is the one already recorded.
    /// - Throws: `ExperimentError.mismatch` listing what differs.
    public func adopt(_ spec: ExperimentSpec) throws {
        if let existing = try readSpec() {
            let differences = spec.differences(from: existing)
            guard differences.isEmpty else { throw ExperimentError.mismatch(path, differences) }
            return
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(spec)) + Array("\n".utf8), to: specFile)
    }

    /// Writes `text` to `name` inside the experiment directory (atomically).
    func write(_ text: String, to file: String) throws {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(Array(text.utf8), to: file)
    }
}
