import OptionParsing
import Testing

/// The hand-written parser: values, switches, defaults, typed access and the exact error messages.
struct OptionParserTests {
    let command = CommandSpec(
        name: "demo run", summary: "A demo command.",
        options: [
            .value("task", "ID", "Task id.", required: true), .value("episodes", "N", "Episodes.", default: "10"),
            .value("epsilon", "E", "Random share."), .flag("verbose", "Talk more."),
        ], positionals: "FILE...")

    @Test func parsesValuesSwitchesAndPositionals() throws {
        let parsed = try OptionParser.parse(["--task", "t1", "a.txt", "--episodes=5", "--verbose", "b.txt"], for: command)
        #expect(parsed.string("task") == "t1")
        #expect(try parsed.int("episodes") == 5)
        #expect(parsed.flag("verbose"))
        #expect(parsed.positionals == ["a.txt", "b.txt"])
        #expect(parsed.isSet("episodes") && !parsed.isSet("epsilon"))
    }

    @Test func defaultsApplyWhenAbsent() throws {
        let parsed = try OptionParser.parse(["--task", "t"], for: command)
        #expect(try parsed.int("episodes") == 10)
        #expect(try parsed.double("epsilon") == nil)
        #expect(!parsed.isSet("episodes"))
    }

    @Test func negativeNumbersAreValues() throws {
        let parsed = try OptionParser.parse(["--task", "t", "--epsilon", "-0.5"], for: command)
        #expect(try parsed.double("epsilon") == -0.5)
    }

    @Test func unknownOptionSuggestsTheClosest() {
        #expect(throws: OptionError.unknownOption(command: "demo run", option: "--episdoes", suggestion: "episodes")) {
            try OptionParser.parse(["--task", "t", "--episdoes", "3"], for: command)
        }
        let message = "\(OptionError.unknownOption(command: "demo run", option: "--episdoes", suggestion: "episodes"))"
        #expect(message == "unknown option '--episdoes' for `mtrl-dist demo run`. Did you mean --episodes? See `mtrl-dist demo run --help`.")
    }

    @Test func missingValueRequiredAndRepeatedAreErrors() {
        #expect(throws: OptionError.missingValue(command: "demo run", option: "episodes", placeholder: "N")) {
            try OptionParser.parse(["--task", "t", "--episodes"], for: command)
        }
        #expect(throws: OptionError.missingRequired(command: "demo run", option: "task")) {
            try OptionParser.parse([], for: command)
        }
        #expect(throws: OptionError.repeatedOption(command: "demo run", option: "task")) {
            try OptionParser.parse(["--task", "a", "--task", "b"], for: command)
        }
        #expect(throws: OptionError.malformedValue(command: "demo run", option: "verbose", value: "yes", expected: "no value (it is a switch)")) {
            try OptionParser.parse(["--task", "a", "--verbose=yes"], for: command)
        }
    }

    @Test func malformedNumbersNameTheRange() throws {
        let parsed = try OptionParser.parse(["--task", "t", "--episodes", "many"], for: command)
        #expect(throws: OptionError.malformedValue(command: "demo run", option: "episodes", value: "many", expected: "an integer in 1...100")) {
            try parsed.int("episodes", in: 1...100)
        }
        let message = "\(OptionError.malformedValue(command: "demo run", option: "episodes", value: "many", expected: "an integer in 1...100"))"
        #expect(message == "invalid value 'many' for --episodes of `mtrl-dist demo run`: expected an integer in 1...100.")
    }

    @Test func helpSkipsRequiredChecksAndListsOptions() throws {
        let parsed = try OptionParser.parse(["--help"], for: command)
        #expect(parsed.wantsHelp)
        #expect(command.helpText == """
            USAGE: mtrl-dist demo run [options] FILE...

            A demo command.

            OPTIONS:
              --task ID                   Task id. (required)
              --episodes N                Episodes. (default: 10)
              --epsilon E                 Random share.
              --verbose                   Talk more.
              --help                      Show this help.
            """)
    }

    @Test func positionalsAreRefusedWhereNoneAreExpected() {
        let noPositionals = CommandSpec(name: "tasks", summary: "", options: [])
        #expect(throws: OptionError.unexpectedArgument(command: "tasks", argument: "extra")) {
            try OptionParser.parse(["extra"], for: noPositionals)
        }
    }
}
