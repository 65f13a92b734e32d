import Foundation
import Training

extension ExperimentCell {
    /// The settings in which the run already in this cell's directory (its config.json) differs
    /// from what the grid gives the cell, as "key saved → grid"; empty when the directory holds no
    /// run yet or nothing differs. A grid records only the scale's name, so a build whose scale
    /// changed (say more updates) would otherwise count the old runs as its own. Not compared, as
    /// for `--reuse`: where the run is written and its compute threads; nor an HL-Gauss support the
    /// grid leaves `auto` (the run records the support it resolved).
    /// - Throws: `ConfigError` for a config.json this build cannot read.
    public func savedRunConflicts() throws -> [String] {
        let file = RunDirectory(path: config.out).configFile
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        let saved = ReusableRuns.resultSettings(try TrainConfig.saved(file: file)), cell = ReusableRuns.resultSettings(config)
        return TrainConfig.settings.compactMap { setting in
            let grid = setting.value(in: cell), recorded = setting.value(in: saved)
            if grid == recorded { return nil }
            if ["vmin", "vmax"].contains(setting.key) && grid == "auto" { return nil }
            return "\(setting.key) \(recorded) → \(grid)"
        }
    }

    /// Throws `ExperimentError.runMismatch` when the run in this cell's directory was made with
    /// other settings (`savedRunConflicts`).
    public func checkSavedRun() throws {
        let conflicts = try savedRunConflicts()
        if !conflicts.isEmpty { throw ExperimentError.runMismatch(config.out, conflicts) }
    }
}
