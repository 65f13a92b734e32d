/// Splits text into lines of at most `maxCharacters`, breaking only after a space, '-', '_', '/'
/// or ',' (each stays at the end of its line, so the lines joined give back the text exactly).
/// A piece without such a break that is longer than the limit keeps a line of its own, over length.
func wrapped(_ text: String, maxCharacters: Int) -> [String] {
    var pieces: [String] = []
    var piece = ""
    for character in text {
        piece.append(character)
        if " -_/,".contains(character) {
            pieces.append(piece)
            piece = ""
        }
    }
    if !piece.isEmpty || pieces.isEmpty { pieces.append(piece) }

    var lines: [String] = []
    var line = ""
    for piece in pieces {
        if !line.isEmpty && line.count + piece.trimmingTrailingSpace.count > maxCharacters {
            lines.append(line)
            line = ""
        }
        line += piece
    }
    lines.append(line)
    return lines
}

extension String {
    /// The text without trailing spaces (a space ending a line takes no room).
    var trimmingTrailingSpace: Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return self[..<end]
    }
}
