import Distributed
import Foundation
import Model
import OptionParsing
import TensorCore
import Training

/// `mtrl-dist evaluate`: zero-shot scores of a run's saved parameters (episodes split across ranks).
enum EvaluateCommand: Command {
    /// Which tasks `evaluate` plays.
    enum TaskChoice: String, CaseIterable { case train, test, all }
    /// How the evaluated policy picks actions (a diagnostic; the default is the algorithm's own).
    enum Acting: String, CaseIterable {
        case sample, greedyPolicy = "greedy-policy", greedyQ = "greedy-q"

        var selection: ActionSelection {
            switch self {
            case .sample: .sample
            case .greedyPolicy: .greedyPolicy
            case .greedyQ: .greedyQ
            }
        }
    }

    static let spec = CommandSpec(
        name: "evaluate", summary: "Evaluate a run's best (or latest) parameters on its training and held-out tasks.",
        options: [
            .value("run", "RUN_DIR", "Run directory written by `mtrl-dist train`.", required: true),
            .value("episodes", "N", "Episodes per task.", default: "320"),
            .value("checkpoint", "C", "best or latest.", default: "best"),
            .value("split", "S", "train (the run's training tasks), test (held-out tasks), or all.", default: "all"),
            .value("acting", "A", "How the policy acts: sample (from π), greedy-policy (argmax of π) or greedy-q (argmax of the "
                + "expected Q; runs with a Q head). Default: the algorithm's own, as training evaluated it (Oryx and BC sample, "
                + "CQL greedy-q); another is a diagnostic."),
        ],
        discussion: "Prints normalised returns per task next to the random policy's, and appends them to RUN_DIR/evaluate.csv "
            + "(evaluate-SPLIT.csv for --split train or test, evaluate[-SPLIT]-ACTING.csv for another --acting than the algorithm's own). "
            + "The run's --normalise method and RUN_DIR/reference-returns.tsv define them; the table's header names the "
            + "method and any task whose reference does not beat random (its score NaN).")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let run = RunDirectory(path: try options.requiredString("run"))
        let episodes = try options.int("episodes", in: 1...1_000_000) ?? 320
        let which = try options.choice("checkpoint", as: SavedParameters.self) ?? .best
        let choice = try options.choice("split", as: TaskChoice.self) ?? .all
        let (evaluation, diagnostic) = try prepare(run: run, acting: try options.choice("acting", as: Acting.self))
        try withWorld { world in
            guard let report = try evaluate(run: run, evaluation: evaluation, diagnostic: diagnostic, which: which, choice: choice,
                                            episodes: episodes, withRandom: true, world: world) else { return }
            if let diagnostic { print("acting: \(diagnostic.rawValue), not the algorithm's own (a diagnostic; final.json used the algorithm's own)") }
            print(report.scoreTable)
        }
        return 0
    }

    /// `run`'s evaluation set to act by `acting` (nil: the algorithm's own), and that acting when it
    /// is not the algorithm's own (a diagnostic). - Throws: greedy-q for a run without a Q head.
    static func prepare(run: RunDirectory, acting: Acting?) throws -> (RunEvaluation, diagnostic: Acting?) {
        var evaluation = try RunEvaluation(run: run)
        guard let acting else { return (evaluation, nil) }
        if acting == .greedyQ && !evaluation.config.loss.kind.usesQHead {
            throw OptionError.malformedValue(command: spec.name, option: "acting", value: acting.rawValue,
                                             expected: "sample or greedy-policy (a \(evaluation.config.loss.kind.rawValue) run has no Q head)")
        }
        let diagnostic = acting.selection != evaluation.actionSelection ? acting : nil
        evaluation.actionSelection = acting.selection
        return (evaluation, diagnostic)
    }

    /// The record kind, and so the CSV, of an evaluation: evaluate[-SPLIT][-ACTING].csv, the split
    /// when not all tasks and the acting when not the algorithm's own, so that every file holds rows
    /// of one task set.
    static func csvKind(choice: TaskChoice, diagnostic: Acting?) -> String {
        "evaluate" + (choice == .all ? "" : "-\(choice.rawValue)") + (diagnostic.map { "-\($0.rawValue)" } ?? "")
    }

    /// Scores `run`'s saved parameters `which` on the `choice` tasks as `evaluation` acts (from
    /// `prepare`), with the episodes split across `world`'s ranks, next to the random policy when
    /// `withRandom` (else its scores are empty). Appends the rows to RUN_DIR's `csvKind` file.
    /// Returns rank 0's report, nil on the other ranks; holds the run's lock meanwhile.
    static func evaluate(run: RunDirectory, evaluation: RunEvaluation, diagnostic: Acting?, which: SavedParameters, choice: TaskChoice,
                         episodes: Int, withRandom: Bool, world: MPICommunicator) throws -> FinalReport? {
        var evaluation = evaluation
        BLAS.setThreadCount(evaluation.config.blasThreads)
        let evaluated = switch choice {
        case .train: evaluation.tasks.training
        case .test: evaluation.tasks.heldOut
        case .all: evaluation.allTasks
        }
        // evaluate appends to the run's files: it holds the run like a trainer does.
        let lock = world.rank == 0 ? try RunLock(directory: run.path, purpose: "evaluate") : nil
        defer { withExtendedLifetime(lock) {} }
        let checkpoint = try run.readCheckpoint(which)
        let parameters = try evaluation.parameters(of: checkpoint, file: run.checkpointFile(which))
        let scores = try evaluation.policyScores(parameters: parameters, evaluated: evaluated, episodes: episodes, round: -2,
                                                 communicator: world)
        var random: [TaskScore] = []
        if withRandom {
            let measured = try evaluation.measureMissingRandomReturns(communicator: world)
            if world.rank == 0 && !measured.isEmpty {
                print("measured the random policy's return (\(run.referenceReturns) has none) for \(measured.joined(separator: ", "))")
            }
            random = try evaluation.randomScores(evaluated: evaluated, episodes: episodes, communicator: world)
        }
        guard world.rank == 0 else { return nil }
        try MetricsLog(directory: run.url).write(scores, kind: csvKind(choice: choice, diagnostic: diagnostic), update: checkpoint.update)
        let report = FinalReport(
            updates: checkpoint.update, evaluatedUpdate: checkpoint.update,
            selectBy: which == .best ? evaluation.config.selectBy.rawValue : "latest", parameterChecksum: "",
            tokensPerSecond: .nan, allReduceFraction: .nan, peakMemoryMB: MachineInfo.peakResidentMegabytes(),
            elapsedSeconds: .nan, ranks: world.size, behaviour: evaluation.behaviour, normalisation: evaluation.normaliser.method,
            flaggedTasks: evaluation.normaliser.flags(taskIDs: evaluated.map(\.id)), references: evaluation.taskReferences, scores: scores, randomScores: random)
        return report
    }
}

/// `mtrl-dist report`: the final table of a finished run, from its final.json.
enum ReportCommand: Command {
    static let spec = CommandSpec(
        name: "report", summary: "Print the final scores of a finished run (from RUN_DIR/final.json).",
        options: [.value("run", "RUN_DIR", "Run directory.", required: true)])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let directory = try options.requiredString("run")
        let report = try FinalReport.read(path: RunDirectory(path: directory).finalReport)
        print("run \(directory):")
        print(report.text)
        return 0
    }
}
