import Environments
import OptionParsing

/// `mtrl-dist env check-trace FILE...`: replays reference traces transition by transition.
enum EnvCheckTraceCommand: Command {
    static let spec = CommandSpec(
        name: "env check-trace", summary: "Replay reference traces and compare every transition.",
        options: [], positionals: "FILE...",
        discussion: "Prints one line per file and `N passed, M failed` (transitions); exits 1 on any mismatch or unreadable file.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        guard !options.positionals.isEmpty else { throw OptionError.missingArgument(command: spec.name, placeholder: "FILE...") }
        var passed = 0
        var failed = 0
        var unreadable = 0
        for path in options.positionals {
            do {
                let report = try TraceChecker.check(path: path)
                passed += report.passed
                failed += report.failed
                if let (index, mismatch) = report.firstFailure {
                    print("\(path): \(report.passed) passed, \(report.failed) failed; first at transition \(index): \(mismatch)")
                } else {
                    print("\(path): \(report.passed) passed")
                }
            } catch {
                unreadable += 1
                print("\(path): unreadable: \(error)")
            }
        }
        print("\(passed) passed, \(failed) failed")
        return failed == 0 && unreadable == 0 ? 0 : 1
    }
}

/// `mtrl-dist env run`: plays a scripted or random policy and prints mean return and length.
enum EnvRunCommand: Command {
    enum PolicyName: String, CaseIterable { case heuristic, random }

    static let spec = CommandSpec(
        name: "env run", summary: "Play a scripted or random policy on a task and print mean return.",
        options: [
            .value("task", "ID", "Task id (see `mtrl-dist tasks`).", required: true),
            .value("policy", "P", "heuristic or random (uniform over legal actions).", default: "heuristic"),
            .value("behaviour", "B", "Heuristic only: oracle (plans with the whole state) or observed (each agent acts on "
                + "its own observation and memory); default per environment as for collect."),
            .value("episodes", "N", "Episodes to play.", default: "100"),
            .value("epsilon", "E", "Heuristic only: probability of a random legal action per agent.", default: "0"),
            .value("seed", "S", "Seed of resets and policy.", default: "0"),
        ])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let task = try TaskRegistry.task(id: try options.requiredString("task"))
        let policy = try options.choice("policy", as: PolicyName.self) ?? .heuristic
        let episodes = try options.int("episodes", in: 1...1_000_000) ?? 100
        let epsilon = policy == .random ? 1.0 : (try options.double("epsilon", in: 0...1) ?? 0)
        let seed = UInt64(try options.int("seed", in: 0...Int.max) ?? 0)
        let behaviour = try options.choice("behaviour", as: BehaviourKind.self) ?? BehaviourKind.default(for: task.kind)
        let stats = EpisodeRunner.run(task: task, episodes: episodes, epsilon: epsilon, seed: seed,
                                      behaviour: policy == .random ? .oracle : behaviour)
        let label = policy == .random ? "random" : "\(behaviour.rawValue) heuristic(epsilon \(epsilon))"
        print("\(task.id) \(label): \(episodes) episodes, mean return \(format(stats.meanReturn)) "
            + "(std \(format(stats.returnStandardDeviation))), mean length \(format(stats.meanLength))")
        return 0
    }
}

/// `mtrl-dist env render`: the start state of a task as text.
enum EnvRenderCommand: Command {
    static let spec = CommandSpec(
        name: "env render", summary: "Print a task's grid as text after reset (and optional heuristic steps).",
        options: [
            .value("task", "ID", "Task id (see `mtrl-dist tasks`).", required: true),
            .value("seed", "S", "Reset seed.", default: "0"),
            .value("steps", "K", "Heuristic steps to play before printing each frame.", default: "0"),
        ])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let task = try TaskRegistry.task(id: try options.requiredString("task"))
        let seed = UInt64(try options.int("seed", in: 0...Int.max) ?? 0)
        let steps = try options.int("steps", in: 0...10_000) ?? 0
        let env = task.makeBatch(copies: 1)
        env.reset(copy: 0, seed: seed)
        print(env.render(copy: 0))
        var rng = SplitMixGenerator(seed: seed)
        var actions = [Int32](repeating: 0, count: task.agentCount)
        var reward = [Float](repeating: 0, count: 1)
        var terminal = [false]
        var truncated = [false]
        for step in 0..<steps {
            env.heuristicActions(epsilon: 0, rng: &rng, into: &actions)
            env.step(actions: actions, rewards: &reward, terminal: &terminal, truncated: &truncated)
            print("step \(step + 1): actions \(actions.map(String.init).joined(separator: " ")), reward \(reward[0])")
            print(env.render(copy: 0))
            if terminal[0] || truncated[0] { print(terminal[0] ? "terminal" : "truncated"); break }
        }
        return 0
    }
}

/// A number with 4 significant decimals.
func format(_ x: Double) -> String {
    let r = (x * 10_000).rounded() / 10_000
    return "\(r)"
}
