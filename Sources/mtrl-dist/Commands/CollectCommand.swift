import Datasets
import Distributed
import Environments
import Foundation
import OptionParsing
import Training

/// `mtrl-dist collect`: offline datasets of a behaviour at K quality stages; tasks split across ranks.
enum CollectCommand: Command {
    /// "rware observed, lbf oracle, …" for the help text.
    static let defaults = EnvironmentKind.allCases.map { "\($0.rawValue) \(BehaviourKind.default(for: $0).rawValue)" }
        .joined(separator: ", ")

    static let spec = CommandSpec(
        name: "collect", summary: "Record offline datasets (a behaviour, epsilon 1.0 → 0.05 in K stages) for tasks.",
        options: [
            .value("task", "ID", "One task (or a comma-separated list)."),
            .value("env", "E", "All tasks of an environment's --split instead of --task."),
            .value("split", "S", "With --env: train, test or spare.", default: "train"),
            .value("episodes", "N", "Episodes per task (a multiple of --stages).", default: "200"),
            .value("stages", "K", "Quality stages.", default: "10"),
            .value("out", "DIR", "Output directory (files go to DIR/<env>/<task>.mtds).", required: true),
            .value("seed", "S", "Seed.", default: "0"),
            .value("behaviour", "B", "oracle (plans with the whole state) or observed (each agent acts on its own "
                + "observation and memory); default per environment: \(defaults)."),
            .value("reference-episodes", "N", "Reference return per task: the behaviour at epsilon 0.05 in blocks of N "
                + "episodes until its standard error is below 2% (at most --reference-max-episodes).", default: "100"),
            .value("reference-max-episodes", "N", "Most episodes for one reference return.", default: "10000"),
        ],
        discussion: "Under mpirun the tasks are dealt round-robin to ranks. Also writes DIR/<env>/reference-returns.tsv "
            + "(reference return and behaviour per task, for the collected tasks and the environment's test tasks).")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let tasks: [TaskSpec]
        if let list = options.string("task") {
            tasks = try list.split(separator: ",").map { try TaskRegistry.task(id: String($0)) }
        } else if let kind = try options.choice("env", as: EnvironmentKind.self) {
            tasks = TaskRegistry.tasks(kind: kind, split: try options.choice("split", as: TaskSplit.self) ?? .train)
        } else {
            throw OptionError.missingRequired(command: spec.name, option: "task or --env")
        }
        let episodes = try options.int("episodes", in: 1...10_000_000) ?? 200
        let stages = try options.int("stages", in: 1...1000) ?? 10
        let seed = UInt64(try options.int("seed", in: 0...Int.max) ?? 0)
        let named = try options.choice("behaviour", as: BehaviourKind.self)
        guard Set(tasks.map(\.kind)).count == 1 || named != nil else {
            throw OptionError.missingRequired(command: spec.name, option: "behaviour (the tasks span environments with different defaults)")
        }
        let behaviour = named ?? BehaviourKind.default(for: tasks[0].kind)
        let minimum = try options.int("reference-episodes", in: 1...1_000_000) ?? 100
        let precision = ReferencePrecision(minimumEpisodes: minimum,
                                           maximumEpisodes: try options.int("reference-max-episodes", in: 1...10_000_000) ?? 10_000)
        let out = try options.requiredString("out")
        try withWorld { world in
            try collect(tasks: tasks, episodes: episodes, stages: stages, seed: seed, behaviour: behaviour, precision: precision,
                        out: out, world: world)
        }
        return 0
    }

    static func collect(tasks: [TaskSpec], episodes: Int, stages: Int, seed: UInt64, behaviour: BehaviourKind,
                        precision: ReferencePrecision, out: String, world: MPICommunicator) throws {
        let kinds = Set(tasks.map(\.kind))
        // Reference returns: collected tasks and, per environment, its test tasks not collected here.
        var referenceTasks: [TaskSpec] = tasks
        for kind in kinds {
            let collected = Set(tasks.map(\.id))
            referenceTasks += TaskRegistry.tasks(kind: kind, split: .test).filter { !collected.contains($0.id) }
        }
        var references = [Double](repeating: 0, count: referenceTasks.count)
        for (index, task) in referenceTasks.enumerated() where index % world.size == world.rank {
            let start = Date()
            if index < tasks.count {
                let summary = try DatasetCollector.collectAndWrite(task: task, episodes: episodes, stages: stages,
                                                                   seed: seed &+ UInt64(index) &* 1_000_003, behaviour: behaviour,
                                                                   reference: precision, directory: out)
                references[index] = summary.referenceReturn
                print(String(format: "[rank %d] %@ (%@): %d episodes, %d transitions, reference return %.4f, %.1f MB, %.1f s",
                             world.rank, task.id, behaviour.rawValue, summary.episodes, summary.transitions,
                             summary.referenceReturn, Double(summary.fileBytes ?? 0) / 1e6, Date().timeIntervalSince(start)))
            } else {
                let measured = DatasetCollector.measureReference(task: task, behaviour: behaviour,
                                                                 seed: seed &+ UInt64(index) &* 1_000_003, precision: precision)
                references[index] = measured.mean
                print(String(format: "[rank %d] %@: reference return %.4f ± %.4f (%@, epsilon %.2f, %d episodes)", world.rank,
                             task.id, measured.mean, measured.standardError, behaviour.rawValue, DatasetCollector.finalEpsilon,
                             measured.episodes))
            }
            fflush(nil)
        }
        try world.allReduceSum(&references)
        guard world.rank == 0 else { return }
        for kind in kinds {
            let path = ReferenceReturnTable.path(dataDirectory: out, environment: kind.rawValue)
            try FileManager.default.createDirectory(atPath: "\(out)/\(kind.rawValue)", withIntermediateDirectories: true)
            var table = FileManager.default.fileExists(atPath: path) ? try ReferenceReturnTable.read(path: path) : ReferenceReturnTable()
            for (task, value) in zip(referenceTasks, references) where task.kind == kind {
                table.returns[task.id] = value
                table.behaviours[task.id] = behaviour.rawValue
            }
            try table.write(path: path)
            print("wrote \(path) (\(table.returns.count) tasks)")
        }
    }
}
