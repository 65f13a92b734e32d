import Foundation
import Training

extension OnlineTrainer {
    /// Rank 0 writes `checkpoints/latest.ckpt` atomically (parameters, Adam state, update, best
    /// score and update; the `Checkpoint` format without a target network), keeping the one before
    /// as `previous.ckpt`. Call only at a restart point or the last update (see `OnlineTrainer`).
    func saveCheckpoint(update: Int) throws {
        guard lastCheckpointUpdate != update else { return }
        lastCheckpointUpdate = update
        guard communicator.rank == 0 else { return }
        try run.keepPreviousCheckpoint()
        let optimizer = self.update.optimizer
        try Checkpoint(configJSON: settings.json, update: update, adamSteps: optimizer.stepCount, bestScore: bestScore,
                       bestUpdate: bestUpdate, parameters: parameters.buffer.toArray(), target: [],
                       firstMoment: optimizer.firstMoment.toArray(), secondMoment: optimizer.secondMoment.toArray())
            .write(to: run.latestCheckpoint)
    }

    /// Rank 0 writes the best parameters so far to `checkpoints/best.ckpt`.
    func saveBest(update: Int) throws {
        guard communicator.rank == 0 else { return }
        try Checkpoint(configJSON: settings.json, update: update, adamSteps: self.update.optimizer.stepCount, bestScore: bestScore,
                       bestUpdate: bestUpdate, parameters: bestParameters, target: [], firstMoment: [], secondMoment: [])
            .write(to: run.bestCheckpoint)
    }

    /// Loads `latest.ckpt` (every rank reads the same file) and `best.ckpt`, and checks they fit
    /// this run. - Throws: `RunDirectoryError.unusableCheckpoint` naming an intact previous one,
    /// `.configMismatch`, `CheckpointError.layoutMismatch`.
    func restore() throws {
        let checkpoint: Checkpoint
        do { checkpoint = try run.readCheckpoint(.latest) } catch let error as CheckpointError {
            let previous = (try? Checkpoint.read(from: run.previousCheckpoint)).map { "update \($0.update)" }
            throw RunDirectoryError.unusableCheckpoint(run.path, "\(error)", previous: previous)
        }
        var saved = OnlineRunSettings()
        try saved.loadJSON(text: checkpoint.configJSON, source: run.latestCheckpoint)
        if let key = settings.resumeConflict(with: saved) {
            throw RunDirectoryError.configMismatch(run.path, key, values: (try saved.value(of: key), try settings.value(of: key)))
        }
        let count = layout.arena.totalCount, optimizer = update.optimizer
        guard checkpoint.parameters.count == count, checkpoint.firstMoment.count == count, checkpoint.secondMoment.count == count,
              checkpoint.target.isEmpty
        else { throw CheckpointError.layoutMismatch(run.latestCheckpoint, expected: count, found: checkpoint.parameters.count) }
        parameters.buffer.copy(from: checkpoint.parameters)
        checkpoint.restore(into: optimizer)
        startUpdate = checkpoint.update
        lastCheckpointUpdate = checkpoint.update
        bestScore = checkpoint.bestScore
        bestUpdate = checkpoint.bestUpdate
        bestParameters = try checkpoint.bestParameters(in: run, count: count)
        say("resumed \(run.path) at update \(startUpdate) (its latest restart point; best so far: update \(bestUpdate))")
    }
}
