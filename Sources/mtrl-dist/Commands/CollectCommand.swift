import Datasets
import Environments
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
                + "episodes until its standard error is below 2% (at most --reference-max-episodes); the random policy's "
                + "return likewise, until its standard error is below 2% of max(|reference - random|, |reference|, 1).",
                   default: "100"),
            .value("reference-max-episodes", "N", "Most episodes for one reference (or random) return.", default: "10000"),
        ],
        discussion: "Under mpirun the tasks are dealt round-robin to ranks. Also writes DIR/<env>/reference-returns.tsv "
            + "(per task: reference return, its standard error, behaviour, random policy's return, its standard error; "
            + "for the collected tasks and the environment's test tasks). Training normalises scores with them.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let tasks: [TaskSpec]
        if let list = options.string("task") {
            tasks = try list.split(separator: ",").map { try TaskRegistry.task(id: String($0)) }
            guard !tasks.isEmpty else { throw OptionError.missingRequired(command: spec.name, option: "task (at least one id)") }
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
            try DatasetCollection.collect(tasks: tasks, episodes: episodes, stages: stages, seed: seed, behaviour: behaviour,
                                          precision: precision, out: out, communicator: world)
        }
        return 0
    }
}
