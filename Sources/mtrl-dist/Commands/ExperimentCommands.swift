import Distributed
import Environments
import Experiments
import Foundation
import Losses
import OptionParsing
import Training

/// The options `experiment run`, `status` and `report` share.
enum ExperimentOptions {
    static let out = OptionSpec.value("out", "EXP_DIR", "Experiment directory (grid, runs, datasets, report).",
                                      default: "experiments/NAME")

    /// The experiment named by the one positional argument.
    static func name(_ options: ParsedOptions, command: String) throws -> ExperimentName {
        guard options.positionals.count == 1 else {
            throw OptionError.missingArgument(command: command, placeholder: "one experiment NAME (`mtrl-dist experiment list`)")
        }
        guard let name = ExperimentName(rawValue: options.positionals[0]) else {
            let names = ExperimentName.allCases.map(\.rawValue)
            throw OptionError.malformedValue(command: "experiment", option: "NAME", value: options.positionals[0], expected: names.joined(separator: ", "))
        }
        return name
    }

    static func directory(_ options: ParsedOptions, name: ExperimentName) -> ExperimentDirectory {
        ExperimentDirectory(path: options.values["out"] ?? "experiments/\(name.rawValue)")
    }

    /// The experiment recorded in EXP_DIR, which must be `name`.
    static func recorded(_ directory: ExperimentDirectory, name: ExperimentName) throws -> ExperimentSpec {
        guard let spec = try directory.readSpec() else {
            throw ExperimentError.unreadable(directory.specFile, "no experiment there yet; start it with `mtrl-dist experiment run \(name.rawValue) --out \(directory.path)`")
        }
        guard spec.name == name else {
            throw ExperimentError.mismatch(directory.path, ["experiment: \(spec.name.rawValue) → \(name.rawValue)"])
        }
        return spec
    }
}

/// `mtrl-dist experiment list`.
enum ExperimentListCommand: Command {
    static let spec = CommandSpec(name: "experiment list", summary: "List the paper's experiments and the scales they run at.",
                                  options: [])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        print("experiments (mtrl-dist experiment run NAME [--env E] [--scale S] [--seeds N] --out EXP_DIR):")
        for name in ExperimentName.allCases {
            print("  " + name.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + name.summary)
            print("          default --env \(name.defaultEnvironments.map(\.rawValue).joined(separator: ",")), "
                + "--algos \(ExperimentSpec.defaultAlgorithms(name).map(\.rawValue).joined(separator: ","))")
        }
        print("scales (per environment: episodes per task, updates, batch, embedding):")
        for scale in ExperimentScale.allCases {
            let parts = EnvironmentKind.allCases.map { env -> String in
                let s = scale.settings(for: env)
                return "\(env.rawValue) \(s.episodesPerTask) ep, \(s.steps) upd, B \(s.batch), E \(s.embed)"
            }
            print("  " + scale.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + parts.joined(separator: "; "))
        }
        return 0
    }
}

/// `mtrl-dist experiment run NAME`: collect the data once, then train the grid's runs (resumable).
enum ExperimentRunCommand: Command {
    static let spec = CommandSpec(
        name: "experiment run", summary: "Run (or continue) an experiment's grid of training runs; safe to kill and restart.",
        options: [
            ExperimentOptions.out,
            .value("env", "E", "lbf, rware, connector, a comma-separated list, or all (default: the experiment's)."),
            .value("scale", "S", "smoke (minutes, tests), cpu (small but meaningful) or paper.", default: "cpu"),
            .value("seeds", "N", "Seeds per setting.", default: "3"),
            .value("algos", "LIST", "Algorithms, comma-separated: oryx, cql, bc (default: the experiment's)."),
            .value("task-counts", "LIST", "fig4: numbers of training tasks to run (default 1 … M)."),
            .value("training-tasks", "K", "Only the first K training tasks of each environment (registry order; default all M): "
                + "a subset a small machine can run. Held-out tasks stay the whole test split."),
            .value("data", "DIR", "Dataset root, collected there if missing (default EXP_DIR/data); share it between experiments."),
            .value("settings", "K=V,...", "Training settings for every run (keys of `mtrl-dist train --help`), e.g. steps=1500."),
            .value("ranks-per-run", "K", "Ranks that train one run together; the world splits into groups of K that take runs "
                + "from the grid (default: all ranks, one run at a time)."),
            .value("cell", "LIST", "Only these runs (indices from `experiment status`), e.g. a job-array task's index."),
            .value("blas-threads", "K", "Compute threads per rank."),
            .flag("retry-failed", "Train runs recorded as failed again (from their last checkpoint, if any)."),
            .value("reuse", "EXP_DIR,...", "Copy other experiments' finished runs whose settings equal a cell's instead of training "
                + "it again (e.g. fig1's MT runs from table1 on the same --data); each copy is named in `status`."),
            .value("prepare-only", "STAGE", "Train nothing: `grid` only records the grid in EXP_DIR/experiment.json (no MPI, "
                + "seconds; `experiment status --count` then sizes a job array), `data` also collects the datasets (the job "
                + "an array waits for)."),
        ], positionals: "NAME",
        discussion: "Finished runs are skipped, interrupted ones resume from their checkpoints; a run that stops on all its ranks "
            + "(a non-finite update) is recorded as failed and the sweep goes on (exit 1 at the end). Exit 75 when a signal "
            + "stopped a run after its checkpoint: run the same command again to continue.")

    /// How far `--prepare-only` goes before it stops.
    enum Preparation: String, CaseIterable { case grid, data }

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let name = try ExperimentOptions.name(options, command: spec.name)
        let directory = ExperimentOptions.directory(options, name: name)
        let experiment = try spec(from: options, name: name, directory: directory)
        try experiment.validate()
        var runner = try ExperimentRunner(spec: experiment, directory: directory,
                                          blasThreads: try options.int("blas-threads", in: 1...256))
        runner.retriesFailed = options.flag("retry-failed")
        if let list = options.string("reuse") {
            runner.reusable = try ReusableRuns(sources: list.split(separator: ",").map { ExperimentDirectory(path: String($0)) },
                                               target: directory)
        }
        let selection = try options.string("cell").map { list in
            try list.split(separator: ",").map { text -> Int in
                guard let index = Int(text), runner.cells.indices.contains(index) else {
                    throw OptionError.malformedValue(command: "experiment", option: "cell", value: String(text), expected: "run indices 0 … \(runner.cells.count - 1)")
                }
                return index
            }
        }
        let ranksPerRun = try options.int("ranks-per-run", in: 1...65_536)
        let preparation = try options.choice("prepare-only", as: Preparation.self)
        if preparation != nil && selection != nil {
            throw OptionError.malformedValue(command: spec.name, option: "cell", value: options.values["cell"]!,
                                             expected: "no --cell with --prepare-only (it trains no run)")
        }
        if preparation == .grid {
            try directory.adopt(experiment)
            print("recorded the grid, \(runner.cells.count) run(s), in \(directory.specFile)")
            return 0
        }
        // Every rank checks the recorded grid before any writes it, so a mismatch stops them all alike.
        if let recorded = try directory.readSpec(), !experiment.differences(from: recorded).isEmpty {
            throw ExperimentError.mismatch(directory.path, experiment.differences(from: recorded))
        }
        // ... and that the runs already there were made with the settings this build gives their cells.
        for cell in runner.cells { try cell.checkSavedRun() }
        let exitCode = try withWorld { world -> Int32 in
            let groupSize = ranksPerRun ?? world.size
            guard world.size % groupSize == 0 else {
                throw UsageErrorOnEveryRank(error: OptionError.malformedValue(
                    command: spec.name, option: "ranks-per-run", value: "\(groupSize)", expected: "a divisor of the \(world.size) ranks"))
            }
            if world.rank == 0 { try directory.adopt(experiment) }
            // Collection deals tasks to ranks; the others wait for the slowest task at the end.
            world.collectiveTimeoutSeconds = 7 * 24 * 3600
            try ExperimentData.prepare(spec: experiment, directory: directory, communicator: world)
            // The runs' own limit (`--settings collective-timeout=N`, 900 s by default); groups inherit it.
            world.collectiveTimeoutSeconds = Double(runner.cells.first?.config.collectiveTimeout ?? 900)
            if preparation == .data {
                if world.rank == 0 { print("datasets ready in \(experiment.data); \(runner.cells.count) runs to train") }
                return 0
            }
            let group = groupSize == world.size ? world : try world.split(groupSize: groupSize)
            let label = groupSize == world.size ? "" : "[group \(world.rank / groupSize)] "
            let summary = try runner.run(group: group, selection: selection, label: label)
            // The groups' outcomes together: signalled anywhere → 75; a failed run anywhere → 1.
            var totals = group.rank == 0 ? [Double(summary.failed), summary.outcome == .checkpointedOnSignal ? 1 : 0] : [0, 0]
            // A group out of runs waits here for the others' last runs, however long they take: not a stall.
            world.collectiveTimeoutSeconds = 7 * 24 * 3600
            try world.allReduceSum(&totals)
            if totals[1] > 0 { return SignalFlag.checkpointedExitCode }
            if totals[0] > 0 {
                if world.rank == 0 {
                    printError("\(Int(totals[0])) run(s) failed (`mtrl-dist experiment status \(name.rawValue) --out \(directory.path)` "
                        + "shows why); the others are done. Fix the cause and run again with --retry-failed.")
                }
                return 1
            }
            return 0
        }
        return exitCode
    }

    /// The experiment the options ask for; a continued experiment keeps its recorded grid unless
    /// options ask for another (which `adopt` then refuses).
    static func spec(from options: ParsedOptions, name: ExperimentName, directory: ExperimentDirectory) throws -> ExperimentSpec {
        let recorded = try directory.readSpec()
        func given(_ key: String) -> Bool { options.values[key] != nil }
        let environments: [EnvironmentKind]
        if let text = options.values["env"] {
            environments = text == "all" ? EnvironmentKind.allCases : try text.split(separator: ",").map { word in
                guard let kind = EnvironmentKind(rawValue: String(word)) else {
                    throw OptionError.malformedValue(command: "experiment", option: "env", value: String(word), expected: "lbf, rware, connector or all")
                }
                return kind
            }
        } else {
            environments = recorded?.environments ?? name.defaultEnvironments
        }
        let algorithms: [LossKind]
        if let text = options.values["algos"] {
            algorithms = try text.split(separator: ",").map { word in
                guard let kind = LossKind(rawValue: String(word)) else {
                    throw OptionError.malformedValue(command: "experiment", option: "algos", value: String(word), expected: "oryx, cql, bc")
                }
                return kind
            }
        } else {
            algorithms = recorded?.algorithms ?? ExperimentSpec.defaultAlgorithms(name)
        }
        let taskCounts = try options.values["task-counts"].map { text in
            try text.split(separator: ",").map { word -> Int in
                guard let count = Int(word) else {
                    throw OptionError.malformedValue(command: "experiment", option: "task-counts", value: String(word), expected: "numbers of tasks")
                }
                return count
            }
        } ?? recorded?.taskCounts
        let trainingTasks = given("training-tasks") ? try options.int("training-tasks", in: 1...1_000)! : recorded?.trainingTasks
        var overrides = recorded?.overrides ?? [:]
        if let text = options.values["settings"] {
            overrides = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    throw OptionError.malformedValue(command: "experiment", option: "settings", value: String(pair), expected: "key=value pairs")
                }
                overrides[parts[0]] = parts[1]
            }
        }
        let data = options.values["data"].map { ExperimentDirectory(path: $0).path } ?? recorded?.data ?? directory.defaultData
        return ExperimentSpec(
            name: name, scale: given("scale") ? try options.choice("scale", as: ExperimentScale.self)! : recorded?.scale ?? .cpu,
            environments: environments, seeds: given("seeds") ? try options.int("seeds", in: 1...1_000)! : recorded?.seeds ?? 3,
            algorithms: algorithms, taskCounts: taskCounts, trainingTasks: trainingTasks, data: data, overrides: overrides)
    }
}

/// `mtrl-dist experiment status NAME`.
enum ExperimentStatusCommand: Command {
    static let spec = CommandSpec(
        name: "experiment status", summary: "Show an experiment's runs: done, running, interrupted, left, and an ETA.",
        options: [ExperimentOptions.out, .flag("count", "Print only the number of runs (for sizing a job array).")],
        positionals: "NAME")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let name = try ExperimentOptions.name(options, command: spec.name)
        let directory = ExperimentOptions.directory(options, name: name)
        let experiment = try ExperimentOptions.recorded(directory, name: name)
        let cells = try ExperimentPlan.cells(for: experiment, directory: directory)
        if options.flag("count") { print(cells.count); return 0 }
        print("experiment \(name.rawValue) at \(directory.path): scale \(experiment.scale.rawValue), "
            + "env \(experiment.environments.map(\.rawValue).joined(separator: ",")), \(experiment.seeds) seed(s), "
            + "algos \(experiment.algorithms.map(\.rawValue).joined(separator: ","))"
            + (experiment.trainingTasks.map { ", the first \($0) training tasks" } ?? "") + ", data \(experiment.data)")
        print(ExperimentStatus(cells: cells, directory: directory).text)
        return 0
    }
}

/// `mtrl-dist experiment evaluate NAME`: the greedy-acting diagnostic on every finished run.
enum ExperimentEvaluateCommand: Command {
    static let spec = CommandSpec(
        name: "experiment evaluate",
        summary: "Re-score every finished run's selected parameters on its held-out tasks acting greedily (a diagnostic).",
        options: [ExperimentOptions.out,
                  .value("episodes", "N", "Episodes per task (default: each run's final-eval-episodes).")],
        positionals: "NAME",
        discussion: "Runs whose algorithm samples π (Oryx, BC-Sable) are played taking π's most likely action "
            + "(`evaluate --split test --acting greedy-policy`, rows in RUN_DIR/evaluate-test-greedy-policy.csv); CQL-Sable already "
            + "acts greedily. `experiment report` then shows both beside each other. Runs already measured, unfinished "
            + "runs and runs held by another process are skipped, so it can run beside a sweep and again after it. "
            + "Under mpirun every rank shares each run's episodes.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let name = try ExperimentOptions.name(options, command: spec.name)
        let directory = ExperimentOptions.directory(options, name: name)
        let experiment = try ExperimentOptions.recorded(directory, name: name)
        let episodes = try options.int("episodes", in: 1...1_000_000)
        let cells = try ExperimentPlan.cells(for: experiment, directory: directory)
        for cell in cells { try cell.checkSavedRun() }  // as `run` and `report`: never a run of other settings
        try withWorld { world in
            var counts = (measured: 0, already: 0, unfinished: 0, busy: 0)
            for (index, cell) in cells.enumerated() {
                let run = RunDirectory(path: cell.config.out)
                // Rank 0 decides (1 = evaluate), so every rank takes the same runs.
                var decision: [Int32] = [0]
                if world.rank == 0 {
                    if let report = try? FinalReport.read(path: run.finalReport) {
                        if try ExperimentResults.greedyScores(cell: cell, report: report) != nil {
                            counts.already += 1
                        } else if RunLock.isHeld(directory: run.path, purpose: "experiment evaluate (probe)") {
                            counts.busy += 1
                        } else {
                            decision = [1]
                        }
                    } else {
                        counts.unfinished += 1
                    }
                }
                try world.broadcast(&decision, root: 0)
                guard decision[0] == 1 else { continue }
                let (evaluation, diagnostic) = try EvaluateCommand.prepare(run: run, acting: .greedyPolicy)
                let report = try EvaluateCommand.evaluate(
                    run: run, evaluation: evaluation, diagnostic: diagnostic, which: .best, choice: .test,
                    episodes: episodes ?? evaluation.config.finalEvalEpisodes, withRandom: false, world: world)
                if let report {
                    counts.measured += 1
                    print(String(format: "[experiment %@] run %d/%d %@: held-out %.3f acting greedily",
                                 name.rawValue, index + 1, cells.count, cell.id, TaskScore.meanNormalised(report.scores, trained: false)))
                    fflush(nil)
                }
            }
            if world.rank == 0 {
                print("[experiment \(name.rawValue)] greedy acting: \(counts.measured) run(s) measured now, \(counts.already) before "
                    + "(or acting greedily already), \(counts.unfinished) unfinished, \(counts.busy) held by another process; "
                    + "`mtrl-dist experiment report \(name.rawValue) --out \(directory.path)` shows them")
            }
        }
        return 0
    }
}

/// `mtrl-dist experiment report NAME`.
enum ExperimentReportCommand: Command {
    static let spec = CommandSpec(
        name: "experiment report",
        summary: "Write an experiment's report.md, results.json, marl-eval.json and SVG plots from its finished runs.",
        options: [ExperimentOptions.out], positionals: "NAME",
        discussion: "Works on a partial grid too (the report says how many runs it used).")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let name = try ExperimentOptions.name(options, command: spec.name)
        let directory = ExperimentOptions.directory(options, name: name)
        let experiment = try ExperimentOptions.recorded(directory, name: name)
        for path in try ExperimentReport.write(spec: experiment, directory: directory) { print("wrote \(path)") }
        return 0
    }
}
