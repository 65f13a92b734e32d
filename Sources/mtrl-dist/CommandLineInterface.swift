import Foundation
import Experiments
import Model
import OptionParsing
import Training

/// A subcommand of `mtrl-dist` (its metatype is shared by the command table, hence `SendableMetatype`).
protocol Command: SendableMetatype {
    static var spec: CommandSpec { get }
    /// Runs with parsed options; returns the process exit code.
    static func run(_ options: ParsedOptions) throws -> Int32
}

/// Dispatch from command words to commands, with help and error reporting.
enum CommandLineInterface {
    static let version = "0.1.0"

    /// A command's spec with its run function (avoids existential metatypes).
    struct Entry: Sendable {
        let spec: CommandSpec
        let run: @Sendable (ParsedOptions) throws -> Int32
        init<C: Command>(_ command: C.Type) {
            spec = command.spec
            run = { try command.run($0) }
        }
    }

    /// Every command, in the order `--help` lists them.
    static let commands: [Entry] = [
        Entry(InfoCommand.self), Entry(TasksCommand.self), Entry(EnvCheckTraceCommand.self), Entry(EnvRunCommand.self),
        Entry(EnvRenderCommand.self), Entry(CollectCommand.self), Entry(DatasetInspectCommand.self),
        Entry(DatasetVerifyCommand.self), Entry(DatasetSubsampleCommand.self), Entry(DatasetLearnabilityCommand.self), Entry(ModelCommand.self),
        Entry(ModelCheckReferenceCommand.self), Entry(TrainCommand.self), Entry(EvaluateCommand.self), Entry(OnlineCommand.self), Entry(OnlineCurveCommand.self), Entry(ReportCommand.self),
        Entry(ExperimentListCommand.self), Entry(ExperimentRunCommand.self), Entry(ExperimentStatusCommand.self),
        Entry(ExperimentEvaluateCommand.self), Entry(ExperimentReportCommand.self),
    ]

    static var overview: String {
        var lines = ["mtrl-dist \(version): multi-task offline MARL (Sable + Oryx/CQL/BC) over MPI.", "",
                     "USAGE: mtrl-dist <command> [options]   (mpirun -n R mtrl-dist <command> ... for R ranks)", "",
                     "COMMANDS:"]
        for command in commands {
            let name = command.spec.name
            lines.append("  " + name + String(repeating: " ", count: max(1, 24 - name.count)) + command.spec.summary)
        }
        lines += ["", "Run `mtrl-dist <command> --help` for a command's options.", "",
                  "Exit codes: 0 done; 1 error (data, files, run directory, a failed rank); 2 bad usage (unknown command or",
                  "option, an invalid or inconsistent setting, an unusable config file); 75 (train) checkpointed on",
                  "SIGTERM/SIGINT/SIGUSR1: requeue and resume."]
        return lines.joined(separator: "\n")
    }

    /// Runs the command line and returns the exit code.
    static func run(_ arguments: [String]) -> Int32 {
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            print(overview)
            return arguments.isEmpty ? 2 : 0
        }
        if arguments == ["--version"] { print("mtrl-dist \(version)"); return 0 }
        // Longest match of command words ("env check-trace" before "env").
        var best: Entry?
        var wordCount = 0
        for entry in commands {
            let words = entry.spec.name.split(separator: " ").map(String.init)
            if words.count > wordCount && Array(arguments.prefix(words.count)) == words {
                best = entry
                wordCount = words.count
            }
        }
        guard let command = best else {
            let names = commands.map(\.spec.name)
            let typed = arguments.prefix(2).joined(separator: " ")
            let hint = OptionParser.closest(to: typed, in: names) ?? OptionParser.closest(to: arguments[0], in: names)
            printError("unknown command '\(arguments[0])'.\(hint.map { " Did you mean `\($0)`?" } ?? "") Run `mtrl-dist --help`.")
            return 2
        }
        do {
            let options = try OptionParser.parse(Array(arguments.dropFirst(wordCount)), for: command.spec)
            if options.wantsHelp { print(command.spec.helpText); return 0 }
            return try command.run(options)
        } catch let error as OptionError {
            printError("\(error)")
            return 2
        } catch let error as ConfigError {
            printError("\(error)")
            return 2
        } catch let error as ModelConfigError {
            printError("\(error)")
            return 2
        } catch let error as UsageErrorOnEveryRank {
            printError("\(error)")
            return 2
        } catch let error as ExperimentError {
            printError("\(error)")
            return error.isUsageError ? 2 : 1
        } catch is ReportedElsewhere {
            return 1
        } catch {
            printError("\(error)")
            return 1
        }
    }
}

/// Writes `error: message` to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}
