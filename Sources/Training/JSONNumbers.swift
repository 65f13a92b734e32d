/// JSON has no NaN or infinity: our files write a non-finite number as `null` and read `null` back as NaN.
extension KeyedEncodingContainer {
    mutating func encodeNumber(_ value: Double, forKey key: Key) throws {
        if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

extension KeyedDecodingContainer {
    func decodeNumber(forKey key: Key) throws -> Double { try decodeIfPresent(Double.self, forKey: key) ?? .nan }
}
