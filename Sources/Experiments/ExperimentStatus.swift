import Foundation
import Training

/// Where each run of an experiment stands (`mtrl-dist experiment status`), with an estimate of
/// the time left from the finished runs' speed.
public struct ExperimentStatus {
    /// The state of one cell.
    public enum State: Equatable, Sendable {
        case done
        /// Held by a running process, at this update (0 before its first metrics row).
        case running(update: Int)
        /// Stopped with a checkpoint: the next `run` resumes it.
        case interrupted(update: Int)
        /// Stopped on all its ranks (the recorded reason); `run --retry-failed` trains it again.
        case failed(String)
        case left
    }

    public let cells: [ExperimentCell]
    public let states: [State]
    /// Per cell, the other experiment's run it was copied from (`--reuse`), or nil.
    public let reusedFrom: [String?]
    /// Per cell, how the run in its directory differs from the cell's settings (`savedRunConflicts`), or nil.
    public let otherSettings: [String?]
    /// Seconds per update of the finished runs, per environment and embedding.
    let secondsPerUpdate: [String: Double]

    /// Reads every cell's run directory (and whether its claim is held).
    public init(cells: [ExperimentCell], directory: ExperimentDirectory) {
        self.cells = cells
        var speeds: [String: [Double]] = [:]
        states = cells.map { cell in
            let run = RunDirectory(path: cell.config.out)
            if let report = try? FinalReport.read(path: run.finalReport) {
                if report.updates > 0 && report.elapsedSeconds.isFinite {
                    speeds[Self.speedKey(cell), default: []].append(report.elapsedSeconds / Double(report.updates))
                }
                return .done
            }
            let update = Self.lastLoggedUpdate(run)
            let claim = directory.claimDirectory(cell.id)
            if FileManager.default.fileExists(atPath: claim) {
                if RunLock.isHeld(directory: claim, purpose: "experiment status") { return .running(update: update) }
            }
            if let reason = try? String(contentsOfFile: directory.failureFile(cell.id), encoding: .utf8) {
                return .failed(reason.split(separator: "\n").first.map(String.init) ?? "")
            }
            return run.hasCheckpoint ? .interrupted(update: update) : .left
        }
        reusedFrom = cells.map { cell in
            (try? String(contentsOfFile: directory.reuseFile(cell.id), encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        otherSettings = cells.map { cell in
            do {
                let conflicts = try cell.savedRunConflicts()
                return conflicts.isEmpty ? nil : conflicts.joined(separator: "; ")
            } catch {
                return "unreadable config.json: \(error)"
            }
        }
        secondsPerUpdate = speeds.mapValues { $0.reduce(0, +) / Double($0.count) }
    }

    static func speedKey(_ cell: ExperimentCell) -> String { "\(cell.environment.rawValue)/\(cell.config.embed)" }

    /// The update of the last training row in the run's metrics.csv (0 if none).
    static func lastLoggedUpdate(_ run: RunDirectory) -> Int {
        guard let text = try? String(contentsOfFile: "\(run.path)/metrics.csv", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n").reversed() {
            if let first = line.split(separator: ",").first, let value = Double(first) { return Int(value) }
        }
        return 0
    }

    public var doneCount: Int { states.filter { $0 == .done }.count }

    /// Updates still to train, and seconds of one process to train them (nil without a finished
    /// run to time, in that environment and embedding or any).
    public var remaining: (updates: Int, seconds: Double?) {
        var updates = 0
        var seconds = 0.0
        var known = true
        let fallback = secondsPerUpdate.isEmpty ? nil : secondsPerUpdate.values.reduce(0, +) / Double(secondsPerUpdate.count)
        for (cell, state) in zip(cells, states) {
            let left: Int
            switch state {
            case .done, .failed: continue
            case .running(let u), .interrupted(let u): left = max(0, cell.config.steps - u)
            case .left: left = cell.config.steps
            }
            updates += left
            if let speed = secondsPerUpdate[Self.speedKey(cell)] ?? fallback { seconds += Double(left) * speed } else { known = false }
        }
        return (updates, known ? seconds : nil)
    }

    /// The table printed by `experiment status`.
    public var text: String {
        var lines: [String] = []
        for (index, (cell, state)) in zip(cells, states).enumerated() {
            let what = switch state {
            case .done: reusedFrom[index].map { "done (reused from \($0))" } ?? "done"
            case .running(let u): "running (update \(u)/\(cell.config.steps))"
            case .interrupted(let u): "interrupted at update ≥ \(u)/\(cell.config.steps): resumes from its checkpoint"
            case .failed(let reason): "failed: \(reason) (`experiment run --retry-failed` trains it again)"
            case .left: "left"
            }
            let mismatch = otherSettings[index].map { " — MADE WITH OTHER SETTINGS (\($0))" } ?? ""
            lines.append(String(format: "%4d  ", index) + cell.id.padding(toLength: max(40, cell.id.count + 2), withPad: " ", startingAt: 0)
                + what + mismatch)
        }
        let mismatched = otherSettings.compactMap { $0 }.count
        if mismatched > 0 {
            lines.append("\(mismatched) run(s) were made with other settings than this build gives their cells (the scale or the build "
                + "changed): `experiment run`, `evaluate` and `report` refuse the grid; use the build that made them, or move the directory aside.")
        }
        let running = states.filter { if case .running = $0 { true } else { false } }.count
        let interrupted = states.filter { if case .interrupted = $0 { true } else { false } }.count
        let left = states.filter { $0 == .left }.count
        let failed = states.filter { if case .failed = $0 { true } else { false } }.count
        lines.append("\(doneCount) done, \(running) running, \(interrupted) interrupted, \(left) left"
            + (failed > 0 ? ", \(failed) failed" : "") + " of \(cells.count) runs")
        let (updates, seconds) = remaining
        if updates > 0 {
            if let seconds {
                let parallel = max(1, running)
                lines.append("ETA about \(Trainer.duration(seconds / Double(parallel))) (\(updates) updates at the finished runs' speed, "
                    + "\(parallel) run(s) at a time)")
            } else {
                lines.append("ETA unknown until a run finishes (\(updates) updates left)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
