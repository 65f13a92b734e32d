import Datasets
import Foundation

extension OnlineReferenceReturns {
    /// R_final and R_max of a finished run's `final.json`.
    public init(_ report: OnlineFinalReport) { self.init(final: report.finalReturn, best: report.maximumReturn) }
}

extension OnlineTrainer {
    /// `run`, and with `settings.record` set, the task's dataset recorded from it (spec §2.2):
    /// rank 0 records each snapshot when its update is done (`OnlineDatasetRecorder`, files in
    /// RUN_DIR/recording, kept across restarts), and once the run is complete merges them into
    /// `settings.record`/<env>/<task>.mtds with R_max as reference. A restarted run first checks
    /// the snapshots on disk against its schedule, and records any due at its restart point; a
    /// finished run restarted merges again (e.g. after a crash while merging). Collective.
    public func runRecording() throws -> OnlineOutcome {
        guard !settings.record.isEmpty else { return try run() }
        let recorder = communicator.rank == 0
            ? try OnlineDatasetRecorder(task: task, settings: settings, directory: "\(run.path)/recording") : nil
        try recorder?.checkRecordedSnapshots(environmentSteps: environmentSteps(after:))
        func recordDue(after update: Int) throws {
            guard let recorder else { return }
            for j in recorder.snapshots(dueAt: update) {
                let stage = try recorder.record(snapshot: j, update: update, environmentSteps: environmentSteps(after: update),
                                                parameters: parameters)
                say(String(format: "snapshot %d/%d after update %d: mean return %.3f ± %.3f over %d episodes (%d stored)",
                           j + 1, recorder.snapshotUpdates.count, update, stage.score.mean, stage.score.standardError,
                           stage.score.count, settings.recording.episodesPerSnapshot))
            }
        }
        if !isAlreadyFinished { try recordDue(after: startUpdate) }
        let outcome = try self.run(afterUpdate: { try recordDue(after: $0.update) })
        guard outcome != .checkpointedOnSignal, let recorder else { return outcome }
        let report = try finalReport ?? OnlineFinalReport.read(path: run.finalReport)
        let path = try recorder.finish(reference: OnlineReferenceReturns(report), dataDirectory: settings.record)
        say("recorded \(recorder.snapshotUpdates.count) snapshots × \(settings.recording.episodesPerSnapshot) episodes into \(path) "
            + String(format: "(reference R_max %.3f; R_final %.3f)", report.maximumReturn.mean, report.finalReturn.mean))
        return outcome
    }
}
