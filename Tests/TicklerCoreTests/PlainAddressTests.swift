import Testing

@testable import TicklerCore
@testable import TicklerInput

/// `ContactBuilder.isPlainASCIIAddress`, the quick yes for common addresses that every CSV row's
/// email goes through: what it accepts, where its limits are, and that `EmailAddress.validate`
/// accepts everything it does.
@Suite struct PlainAddressTests {
    @Test(
        arguments: [
            ("li.na@example.com", true), ("a@b.cn", true), ("first_last+tag%x-y@mail-1.example.org", true),
            ("UPPER.Case9@Example.COM", true), ("", false), ("@example.com", false), ("li.na@", false),
            ("li.na@example", false), (".li@example.com", false), ("li.@example.com", false),
            ("li..na@example.com", false), ("li@-example.com", false), ("li@example-.com", false),
            ("li@example..com", false), ("li@example.com.", false), ("li@example.c-m", true),
            ("li@exa_mple.com", false),
            ("li na@example.com", false), ("li@na@example.com", false), ("张伟@example.com", false),
            ("li@例子.com", false), ("li\"x@example.com", false), ("li@example.com\n", false),
            (String(repeating: "a", count: 64) + "@example.com", true),
            (String(repeating: "a", count: 65) + "@example.com", false),
            ("a@" + String(repeating: "b", count: 63) + ".com", true),
            ("a@" + String(repeating: "b", count: 64) + ".com", false),
            ("a@" + Array(repeating: String(repeating: "b", count: 49), count: 5).joined(separator: ".") + ".cn", true),
            (
                "a@" + Array(repeating: String(repeating: "b", count: 50), count: 5).joined(separator: ".") + ".cn",
                false
            ),
        ] as [(String, Bool)])
    func acceptsThePlainAddressesAndNothingElse(address: String, plain: Bool) {
        #expect(ContactBuilder.isPlainASCIIAddress(address) == plain)
        if plain { #expect((try? EmailAddress.validate(address).get()) != nil) }
    }

    @Test func theByteClassesAreTheirCharacters() {
        for byte in UInt8(0)...UInt8(255) {
            let scalar = Unicode.Scalar(byte)
            let alphanumeric = byte < 0x80 && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            #expect(ContactBuilder.ASCIIClass.isIn(ContactBuilder.ASCIIClass.alphanumeric, byte) == alphanumeric)
            #expect(
                ContactBuilder.ASCIIClass.isIn(ContactBuilder.ASCIIClass.localPart, byte)
                    == (alphanumeric || "_%+-".unicodeScalars.contains(scalar)), "\(byte)")
        }
    }

    /// Addresses put together from pieces at random: whatever is taken as plain is valid.
    @Test func everyPlainAddressIsValid() {
        var generator = SplitMix(seed: 29)
        func pick(_ pieces: [String], upTo count: UInt64) -> String {
            (0...(generator.next() % count)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
        let local = ["a", "Z", "9", ".", "-", "_", "+", "%", "é", " ", "\"", "@"]
        let domain = ["a", "9", "-", "b", "é", "_", ".", "@"]
        var plain = 0
        for _ in 0..<20_000 {
            let address =
                pick(local, upTo: 4) + "@" + pick(domain, upTo: 4) + "." + pick(["com", "cn", "-", "", "x1"], upTo: 1)
            guard ContactBuilder.isPlainASCIIAddress(address) else { continue }
            plain += 1
            #expect((try? EmailAddress.validate(address).get()) != nil, "\(address)")
        }
        #expect(plain > 100)
    }
}
