import BinaryFormat
import Distributed
import Foundation
import Losses
import TensorCore

/// How a call of `Trainer.train` ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// All updates done, final evaluation written.
    case completed
    /// A signal arrived; a checkpoint was written (exit code 75: requeue and resume).
    case checkpointedOnSignal
    /// `--dump-gradient` wrote the first update's gradient.
    case dumpedGradient
    /// `--resume` of a finished run: nothing to do, nothing written.
    case alreadyFinished
}

extension Trainer {
    /// Runs updates from the current one to `config.steps`, with logging, checksums, checkpoints
    /// and evaluations, then the final evaluation of the best parameters.
    /// - Parameter dumpGradientPath: write the all-reduced gradient of the first update there and stop.
    public func train(dumpGradientPath: String? = nil) throws -> TrainingOutcome {
        if isAlreadyFinished {
            say("\(run.path) finished at update \(startUpdate) (final.json written); nothing to do. "
                + "Pass --steps N with N > \(startUpdate) to train it further.")
            return .alreadyFinished
        }
        SignalFlag.install()
        stateLock.lock()
        defer { stateLock.unlock() }
        completedUpdate = startUpdate
        SignalCheckpointer.shared.register { [weak self] in self?.checkpointOnSignal() }
        defer { SignalCheckpointer.shared.register(nil) }
        let start = DispatchTime.now().uptimeNanoseconds
        say("mtrl-dist train: \(config.loss.kind.rawValue) on \(tasks.training.count) \(config.env.rawValue) task(s), "
            + "\(rankCount) rank(s)\(rankCount != communicator.size ? " simulated in one process" : ""), "
            + "\(parameterCount) parameters, D_o \(tasks.inputSize) (N_max \(tasks.agentSlots))")
        let machine = MachineInfo.current()
        say(machine.summary)
        if let hint = machine.kernelHint { say(hint) }
        say(config.resolvedText.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))
        say(evaluation.normalisationSummary)
        if startUpdate == 0 && config.evalEvery > 0 && dumpGradientPath == nil { try evaluateAndSelect(update: 0) }

        var tokens = 0, computedTokens = 0
        var phases = UpdatePhaseTimes()
        var windowStart = DispatchTime.now().uptimeNanoseconds
        var windowTokens = 0
        for update in startUpdate..<config.steps {
            stateLock.unlock()  // the signal thread may checkpoint `completedUpdate` meanwhile
            let computed = Result { try engine.computeGradients(update: update) }
            stateLock.lock()
            let losses = try computed.get()
            if let dumpGradientPath {
                if communicator.rank == 0 { try writeGradient(to: dumpGradientPath) }
                try communicator.barrier()
                return .dumpedGradient
            }
            let norm = losses.isFinite ? engine.apply() : .nan
            if !norm.isFinite { try handleNonFinite(update: update + 1, losses: losses, gradientNorm: norm) }
            tokens += losses.agentTokens
            computedTokens += losses.computedTokens
            windowTokens += losses.agentTokens
            phases += engine.lastPhases
            let done = update + 1
            if done % config.logEvery == 0 || done == config.steps {
                let now = DispatchTime.now().uptimeNanoseconds
                let rate = Double(windowTokens) / max(1e-9, Double(now - windowStart) / 1e9)
                try logUpdate(done, losses: losses, gradientNorm: norm, tokensPerSecond: rate,
                              elapsed: Double(now - start) / 1e9)
                windowStart = now
                windowTokens = 0
            }
            if config.checksumEvery > 0 && done % config.checksumEvery == 0 {
                try engine.online.buffer.withUnsafeBufferPointer { try communicator.checkIdentical(parameters: $0) }
            }
            if config.evalEvery > 0 && done % config.evalEvery == 0 { try evaluateAndSelect(update: done) }
            if config.checkpointEvery > 0 && done % config.checkpointEvery == 0 { try saveCheckpoint(update: done) }
            completedUpdate = done
            if try signalReceived() {
                try saveCheckpoint(update: done)
                say("signal received: checkpoint written at update \(done); exiting with code \(SignalFlag.checkpointedExitCode) so the job can be requeued")
                return .checkpointedOnSignal
            }
        }
        try saveCheckpoint(update: config.steps)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try finish(tokens: tokens, computedTokens: computedTokens, elapsed: elapsed, phases: phases.divided(by: config.steps - startUpdate),
                   allReduceSeconds: phases.allReduceWait)
        return .completed
    }

    /// A NaN/infinite loss or gradient norm (the same on every rank: both are all-reduced). The
    /// parameters were not changed; stop every rank together, or count the update as skipped.
    func handleNonFinite(update: Int, losses: LossReport, gradientNorm: Double) throws {
        let names = tasks.training.map(\.id)
        let magnitudes = try engine.lastBatchMagnitudes()
        let inputs = zip(names, zip(magnitudes.inputs, magnitudes.rewards)).map { name, largest in
            "\(name) \(String(format: "%.3g", largest.0)) / \(String(format: "%.3g", largest.1))"
        }
        let terms = losses.nonFiniteTerms(taskNames: names) + "; largest |input| / |reward| per task: " + inputs.joined(separator: ", ")
        guard config.onNonFinite == .skip else {
            throw TrainingError.nonFiniteUpdate(update: update, terms: terms, gradientNorm: gradientNorm, run: run.path,
                                                lastCheckpoint: lastCheckpointUpdate)
        }
        skippedUpdates += 1
        say("update \(update) skipped (\(skippedUpdates) so far): not finite: loss terms \(terms), gradient norm \(gradientNorm)")
    }

    /// Run by the signal thread: writes the checkpoint of the last completed update at once, unless
    /// it is already on disk. Waits while the loop is between updates (its state is then changing).
    func checkpointOnSignal() {
        stateLock.lock()
        defer { stateLock.unlock() }
        guard lastCheckpointUpdate != completedUpdate else { return }
        do {
            try saveCheckpoint(update: completedUpdate)
            say("signal \(SignalFlag.received): checkpoint of update \(completedUpdate) written at once; the update in flight finishes next")
        } catch {
            FileHandle.standardError.write(Data("error: checkpoint on signal failed: \(error)\n".utf8))
        }
    }

    /// Whether any rank received SIGTERM/SIGUSR1 (all ranks agree, so all stop at the same update).
    func signalReceived() throws -> Bool {
        var flag = [Double(SignalFlag.received != 0 ? 1 : 0)]
        try communicator.allReduceMax(&flag)
        return flag[0] > 0
    }

    func logUpdate(_ update: Int, losses: LossReport, gradientNorm: Double, tokensPerSecond: Double, elapsed: Double) throws {
        let perTask = tasks.training.indices.map {
            losses.taskTotal($0, criticCoefficient: Double(config.loss.criticCoefficient), cqlWeight: Double(config.loss.cqlWeight))
        }
        let remaining = Double(config.steps - update) * elapsed / Double(max(1, update - startUpdate))
        say(String(format: "update %d/%d  loss %.4f  critic %.4f  policy %.4f  cql %.4f  acc %.3f  |g| %.3f  %.0f agent-tokens/s  ETA %@",
                   update, config.steps, losses.total, losses.criticMean, losses.policyMean, losses.conservativeMean,
                   losses.actionAccuracy, gradientNorm, tokensPerSecond, Trainer.duration(remaining))
            + "\n  per-task loss: " + zip(tasks.training, perTask).map { "\($0.id) \(String(format: "%.3f", $1))" }.joined(separator: ", "))
        var fields: [(String, MetricValue)] = [
            ("update", .number(Double(update))), ("loss", .number(losses.total)), ("critic", .number(losses.criticMean)),
            ("policy", .number(losses.policyMean)), ("cql", .number(losses.conservativeMean)),
            ("action_accuracy", .number(losses.actionAccuracy)), ("grad_norm", .number(gradientNorm)),
            ("agent_tokens_per_s", .number(tokensPerSecond)), ("elapsed_s", .number(elapsed)),
            ("skipped_updates", .number(Double(skippedUpdates))),
        ]
        for (task, value) in zip(tasks.training, perTask) { fields.append(("loss/\(task.id)", .number(value))) }
        try log?.write(kind: "train", fields: fields)
    }

    /// "1h02m", "3m12s", "45s".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }

    /// Raw little-endian Float32 of the all-reduced gradient, in arena order.
    func writeGradient(to path: String) throws {
        let bytes = engine.gradients.buffer.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
        try AtomicFile.write(bytes, to: path)
        say("wrote the all-reduced gradient of update \(startUpdate) (\(engine.gradients.buffer.count) floats) to \(path)")
    }
}
