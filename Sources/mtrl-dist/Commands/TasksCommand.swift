import Environments
import OptionParsing

/// `mtrl-dist tasks`: the task registry as a table.
enum TasksCommand: Command {
    static let spec = CommandSpec(
        name: "tasks", summary: "List the tasks of every environment with their split and sizes.",
        options: [
            .value("env", "E", "Only this environment (rware, lbf, connector)."),
            .value("split", "S", "Only this split (train, test, spare)."),
        ])

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let kind = try options.choice("env", as: EnvironmentKind.self)
        let split = try options.choice("split", as: TaskSplit.self)
        let tasks = TaskRegistry.tasks(kind: kind, split: split)
        print(pad("id", 24) + pad("env", 11) + pad("split", 7) + pad("agents", 8) + pad("obs", 6) + pad("actions", 9) + "time limit")
        for t in tasks {
            print(pad(t.id, 24) + pad(t.kind.rawValue, 11) + pad(t.split.rawValue, 7) + pad("\(t.agentCount)", 8)
                + pad("\(t.observationSize)", 6) + pad("\(t.actionCount)", 9) + "\(t.timeLimit)")
        }
        print("\(tasks.count) task(s)")
        return 0
    }
}

/// Left-aligns `text` in a column of `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
