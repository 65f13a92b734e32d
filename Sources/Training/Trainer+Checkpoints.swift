import Foundation
import TensorCore

extension Trainer {
    /// Rank 0 writes `checkpoints/latest.ckpt` atomically (parameters, target, Adam state, counters),
    /// keeping the one before as `previous.ckpt`.
    func saveCheckpoint(update: Int) throws {
        guard lastCheckpointUpdate != update else { return }  // already on disk (e.g. periodic, then final)
        lastCheckpointUpdate = update
        guard communicator.rank == 0 else { return }
        try run.keepPreviousCheckpoint()
        let checkpoint = Checkpoint(
            configJSON: config.json, update: update, adamSteps: engine.optimizer.stepCount, bestScore: bestScore,
            bestUpdate: bestUpdate, parameters: engine.online.buffer.toArray(), target: engine.target?.buffer.toArray() ?? [],
            firstMoment: engine.optimizer.firstMoment.toArray(), secondMoment: engine.optimizer.secondMoment.toArray())
        try checkpoint.write(to: run.latestCheckpoint)
    }

    /// Rank 0 writes the best parameters so far to `checkpoints/best.ckpt`.
    func saveBest(update: Int) throws {
        guard communicator.rank == 0 else { return }
        let checkpoint = Checkpoint(configJSON: config.json, update: update, adamSteps: engine.optimizer.stepCount,
                                    bestScore: bestScore, bestUpdate: bestUpdate, parameters: bestParameters, target: [],
                                    firstMoment: [], secondMoment: [])
        try checkpoint.write(to: run.bestCheckpoint)
    }

    /// Loads `latest.ckpt` (every rank reads the same file) and checks it matches this run; the best
    /// parameters come from `best.ckpt`, which must exist once an evaluation has chosen them.
    func restore() throws {
        let checkpoint: Checkpoint
        do { checkpoint = try run.readCheckpoint(.latest) } catch let error as CheckpointError {
            let previous = (try? Checkpoint.read(from: run.previousCheckpoint)).map { "update \($0.update)" }
            throw RunDirectoryError.unusableCheckpoint(run.path, "\(error)", previous: previous)
        }
        let count = layout.arena.totalCount
        guard checkpoint.parameters.count == count, checkpoint.firstMoment.count == count, checkpoint.secondMoment.count == count,
              checkpoint.target.count == (engine.target == nil ? 0 : count)
        else { throw CheckpointError.layoutMismatch(run.latestCheckpoint, expected: count, found: checkpoint.parameters.count) }
        let saved = try TrainConfig.saved(json: checkpoint.configJSON, source: run.latestCheckpoint)
        if let key = config.resumeConflict(with: saved) {
            throw RunDirectoryError.configMismatch(run.path, key, values: (try saved.value(of: key), try config.value(of: key)))
        }
        engine.online.buffer.copy(from: checkpoint.parameters)
        engine.target?.buffer.copy(from: checkpoint.target)
        checkpoint.restore(into: engine.optimizer)
        startUpdate = checkpoint.update
        lastCheckpointUpdate = checkpoint.update
        bestScore = checkpoint.bestScore
        bestUpdate = checkpoint.bestUpdate
        bestParameters = try checkpoint.bestParameters(in: run, count: count)
        say("resumed \(run.path) at update \(startUpdate) (best so far: update \(bestUpdate))")
    }
}
