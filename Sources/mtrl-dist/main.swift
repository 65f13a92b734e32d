import Foundation
import OptionParsing

// Entry point: find the command named by the leading words, parse its options, run it,
// and turn any error into a message and an exit code (2 = usage, 1 = failure).
let arguments = Array(CommandLine.arguments.dropFirst())
exit(CommandLineInterface.run(arguments))
