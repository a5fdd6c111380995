import Foundation
import Testing
import TicklerCore
import TicklerInput

/// `etc/tickler.schema.json` lists exactly the keys and values the loader accepts, so editors that
/// complete from the schema never suggest a key `tickler check` rejects, nor miss one it takes.
@Suite struct SchemaAgreementTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("etc/tickler.schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func definition(_ name: String) throws -> [String: Any] {
        let definitions = try #require(try schema()["definitions"] as? [String: Any])
        return try #require(definitions[name] as? [String: Any], "no definition '\(name)'")
    }

    func keys(_ object: [String: Any]) throws -> Set<String> {
        Set(try #require(object["properties"] as? [String: Any]).keys)
    }

    func enumeration(_ object: [String: Any], _ key: String) throws -> Set<String> {
        let properties = try #require(object["properties"] as? [String: Any])
        let property = try #require(properties[key] as? [String: Any], "no property '\(key)'")
        return Set(try #require(property["enum"] as? [String], "'\(key)' has no enum"))
    }

    @Test func topLevelKeysAgree() throws {
        #expect(try keys(schema()) == Set(ConfigKeys.topLevel))
    }

    @Test func ownerKeysAgree() throws {
        #expect(try keys(definition("owner")) == Set(ConfigKeys.owner))
        #expect(try keys(definition("ownerDigest")) == Set(ConfigKeys.ownerDigest))
    }

    @Test func channelKeysAgree() throws {
        #expect(try keys(definition("fileChannel")) == Set(ConfigKeys.fileChannel))
        #expect(try keys(definition("smtpChannel")) == Set(ConfigKeys.smtpChannel))
        #expect(try keys(definition("webhookChannel")) == Set(ConfigKeys.webhookChannel))
        #expect(try enumeration(definition("channel"), "type") == Set(ConfigKeys.channelTypes))
    }

    @Test func httpKeysAgree() throws {
        #expect(try keys(definition("http")) == Set(ConfigKeys.http))
        #expect(try keys(definition("httpToken")) == Set(ConfigKeys.httpToken))
        #expect(try enumeration(definition("httpToken"), "scope") == Set(HTTPToken.Scope.allCases.map(\.rawValue)))
    }

    @Test func ruleKeysAgree() throws {
        #expect(try keys(definition("rule")) == Set(ConfigKeys.rule))
    }

    @Test func enumeratedValuesAgree() throws {
        #expect(
            try enumeration(definition("webhookChannel"), "format")
                == Set(WebhookChannel.Format.allCases.map(\.rawValue)))
        #expect(
            try enumeration(definition("smtpChannel"), "starttls") == Set(SMTPChannel.StartTLS.allCases.map(\.rawValue))
        )
        #expect(
            try enumeration(definition("fileChannel"), "format") == Set(FileChannel.Format.allCases.map(\.rawValue)))
        #expect(try enumeration(definition("rule"), "feb29") == Set(DateTrigger.Feb29Policy.allCases.map(\.rawValue)))
        #expect(try enumeration(definition("rule"), "to") == Set(Rule.Recipient.allCases.map(\.rawValue)))
    }

    @Test func exampleNamesTheSchemaForEditors() throws {
        let example = try String(contentsOf: Self.root.appendingPathComponent("etc/tickler.yaml"), encoding: .utf8)
        #expect(example.hasPrefix("# yaml-language-server: $schema=tickler.schema.json\n"))
    }
}
