import Foundation

/// An SVG rendered to PNG by librsvg's `rsvg-convert`, its header checked and its pixels read
/// through netpbm's `pngtopnm` (both test-only tools from `scripts/install-deps.sh --with-cluster`).
public struct RenderedImage {
    /// Size from the PNG's IHDR chunk.
    public let pngWidth: Int
    public let pngHeight: Int
    /// Size and RGB pixels (row-major, 3 bytes each, composed over white) from `pngtopnm`.
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// Renders `svg` at `width` × `height` in `directory`.
    public init(svg: String, width: Int, height: Int, in directory: TemporaryDirectory) throws {
        let svgFile = directory.file("chart.svg")
        let pngFile = directory.file("chart.png")
        try Data(svg.utf8).write(to: svgFile)
        let render = try ProcessRunner.run(
            try Self.tool("rsvg-convert"),
            arguments: ["-w", String(width), "-h", String(height), "-o", pngFile.path, svgFile.path], timeoutSeconds: 60
        )
        guard render.exitStatus == 0 else {
            throw RenderError("rsvg-convert exited \(render.exitStatus): \(render.standardError)")
        }
        let png = try Data(contentsOf: pngFile)
        (pngWidth, pngHeight) = try Self.headerSize(png)

        let ppmFile = directory.file("chart.ppm")
        let convert = try ProcessRunner.run(
            "/bin/sh",
            arguments: [
                "-c", "\"$0\" -mix -background=white \"$1\" > \"$2\"", try Self.tool("pngtopnm"), pngFile.path,
                ppmFile.path,
            ],
            timeoutSeconds: 60)
        guard convert.exitStatus == 0 else {
            throw RenderError("pngtopnm exited \(convert.exitStatus): \(convert.standardError)")
        }
        (self.width, self.height, pixels) = try Self.readPPM(try Data(contentsOf: ppmFile))
    }

    /// The colour of pixel (x, y).
    public func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let i = 3 * (y * width + x)
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// How many pixels are within `tolerance` (per channel) of `colour` ("#rrggbb").
    public func count(near colour: String, tolerance: Int = 24) -> Int {
        let hex = Array(colour.dropFirst())
        let target = stride(from: 0, to: 6, by: 2).map { Int(String(hex[$0...$0 + 1]), radix: 16)! }
        var count = 0
        for i in stride(from: 0, to: pixels.count, by: 3)
        where (0..<3).allSatisfy({ abs(Int(pixels[i + $0]) - target[$0]) <= tolerance }) {
            count += 1
        }
        return count
    }

    /// The share of pixels that differ from the top-left one (the background).
    public var drawnFraction: Double {
        let background = pixel(0, 0)
        let drawn = stride(from: 0, to: pixels.count, by: 3).filter { (pixels[$0], pixels[$0 + 1], pixels[$0 + 2]) != background }.count
        return Double(drawn) / Double(max(1, width * height))
    }

    /// The absolute path of `name` on PATH, or an error saying how to install it.
    static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw RenderError(
            "\(name) is not installed (not on PATH); run `scripts/install-deps.sh --with-cluster`, which installs librsvg2-bin and netpbm for these tests."
        )
    }

    /// Checks the 8-byte PNG signature and reads width and height from the IHDR chunk that must follow.
    private static func headerSize(_ png: Data) throws -> (Int, Int) {
        let bytes = [UInt8](png.prefix(24))
        guard bytes.count == 24, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw RenderError("the output is not a PNG (signature \(bytes.prefix(8).map { String($0, radix: 16) }))")
        }
        guard String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else {
            throw RenderError("the PNG's first chunk is not IHDR")
        }
        func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (bigEndian(16), bigEndian(20))
    }

    /// Reads a binary PPM (P6, maxval 255): "P6 <width> <height> 255" then width·height RGB triples.
    private static func readPPM(_ data: Data) throws -> (Int, Int, [UInt8]) {
        let bytes = [UInt8](data)
        var position = 0
        func token() -> String {
            while position < bytes.count, bytes[position] == UInt8(ascii: "#") || isSpace(bytes[position]) {
                if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
                } else {
                    position += 1
                }
            }
            let start = position
            while position < bytes.count, !isSpace(bytes[position]) { position += 1 }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        func isSpace(_ byte: UInt8) -> Bool { [9, 10, 13, 32].contains(byte) }
        let magic = token()
        guard magic == "P6", let width = Int(token()), let height = Int(token()), token() == "255" else {
            throw RenderError("pngtopnm wrote no 8-bit colour PPM (magic \(magic))")
        }
        position += 1  // the single whitespace byte after maxval
        guard bytes.count - position == 3 * width * height else {
            throw RenderError("PPM holds \(bytes.count - position) bytes for \(width)×\(height) pixels")
        }
        return (width, height, Array(bytes[position...]))
    }
}

public struct RenderError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
