import Testing
import TicklerCore
import TicklerTestSupport

@testable import TicklerInput

/// `ContactIDs` answers as the `Set<String>` of the ids it replaces.
@Suite struct ContactIDsTests {
    func contact(_ id: String) -> Contact {
        Contact(id: id, location: SourceLocation(path: "c.csv", line: 1, column: 1))
    }

    @Test func findsEveryIdAndNothingElse() {
        // More than one slice of contacts, so that several parts are joined.
        let ids = (1...150_000).map { "c\($0)" } + ["acme-zhang", "a", "x.y_z-1:2@3+4=5~6", "c1\u{0}"]
        let index = ContactIDs(ids.map(contact))
        #expect(index.count == ids.count)
        #expect(!index.hasDuplicates)
        #expect(ids.allSatisfy(index.contains))
        for absent in ["", "c0", "c150001", "C1", "c1 ", " c1", "acme-zhan", "acme-zhangg", "c1\u{0}\u{0}", "张伟"] {
            #expect(!index.contains(absent), "\(absent)")
        }
    }

    @Test func anIdInAnotherNormalizationFormIsFoundAsASetFindsIt() {
        let ids = ["Kc1", "Zoe\u{0308}", "Zo\u{00EB}2"]
        let index = ContactIDs(ids.map(contact))
        let set = Set(ids)
        // A Kelvin sign is a K; a decomposed ë is the composed one, and the other way round.
        for query in ["\u{212A}c1", "Kc1", "Zo\u{00EB}", "Zoe\u{0308}2", "Zoe", "kc1"] {
            #expect(index.contains(query) == set.contains(query), "\(query)")
        }
    }

    @Test func repeatedIdsAreFoundOnceAndReported() {
        let index = ContactIDs(["b", "a", "b"].map(contact))
        #expect(index.hasDuplicates)
        #expect(index.contains("a") && index.contains("b"))
        #expect(!ContactIDs(["a", "b"].map(contact)).hasDuplicates)
        #expect(!ContactIDs([]).hasDuplicates)
        #expect(!ContactIDs([]).contains("a"))
    }

    @Test func partsAreJoinedInOrderAndSortedAsASetSortsThem() {
        var first = ContactIDs.Part()
        for id in ["m", "b-2", "Z"] { first.append(id) }
        var second = ContactIDs.Part()
        "a.1".utf8CString.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: UInt8.self) { second.append(UnsafeBufferPointer(rebasing: $0.dropLast())) }
        }
        second.append("b-10")
        let index = ContactIDs(parts: [first, ContactIDs.Part(), second])
        #expect(index.sorted() == Set(["m", "b-2", "Z", "a.1", "b-10"]).sorted())
        #expect(index.contains("a.1") && index.contains("Z") && !index.contains("b"))
        // The same id in two parts (two files) is a repeat.
        #expect(ContactIDs(parts: [first, first]).hasDuplicates)
    }
}
