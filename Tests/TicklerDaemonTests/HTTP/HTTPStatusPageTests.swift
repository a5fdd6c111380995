import Foundation
import Testing
import TicklerTestSupport

/// The status page in a real browser: headless Chromium loads it with HTTP Basic (after the 401's
/// challenge, as a person's browser does), renders it, and the test reads the DOM it built and
/// checks that a screenshot shows something.
@Suite struct HTTPStatusPageTests {
    static let chromium = "/usr/bin/chromium"

    @Test func chromiumRendersThePageWithBasicAuth() async throws {
        let http = try HTTPWorkspace(
            contacts: 3,
            rules: """
                  - { name: thank-you, after: purchase, delay: 1d, to: contact, channel: out, template: thanks }
                  - { name: check-in, every: 7d, to: owner, channel: out, template: heads-up }
                """,
            extra: "")
        try http.workspace.writeInPlace(
            http.workspace.directory.path("etc/contacts.yaml"),
            """
            - { id: c1, name: 张伟, email: c1@example.com, owner: li.na }
            - { id: c2, name: "<b>Bold</b> & Co", email: c2@example.com, owner: li.na }
            - { id: c3, name: 王芳, email: c3@example.com, owner: li.na }
            """)
        // In Chinese, the default language (the test workspace writes `language: en`).
        let config = try String(contentsOfFile: http.workspace.config, encoding: .utf8)
        try http.workspace.writeInPlace(
            http.workspace.config, config.replacingOccurrences(of: "language: en\n", with: ""))
        try await http.start()
        #expect(
            try http.post(#"[{"contact": "c1", "type": "purchase"}, {"contact": "c2", "type": "purchase"}]"#).status
                == 201)
        let url = "http://anyone:\(HTTPWorkspace.opsToken)@\(http.url("/").dropFirst("http://".count))"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--lang=zh-CN"]
        let dom = String(decoding: try HTTPWorkspace.run(Self.chromium, common + ["--dump-dom", url]), as: UTF8.self)
        #expect(dom.contains("<html lang=\"zh\""), "\(dom.prefix(500))")
        for id in ["next", "outbox", "failures", "missed", "deliveries", "chart"] {
            #expect(dom.contains("id=\"\(id)\""), "no section \(id)")
        }
        #expect(dom.contains("下一批提醒"))
        #expect(dom.contains("张伟"))
        #expect(dom.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; Co"))
        #expect(!dom.contains("<b>Bold</b>"))
        #expect(dom.contains("<svg"))
        #expect(dom.contains("thank-you"))

        let screenshot = http.workspace.directory.path("page.png")
        _ = try HTTPWorkspace.run(
            Self.chromium, common + ["--window-size=900,1400", "--screenshot=\(screenshot)", url])
        let inked = try DebianPython.run(Self.inkedShare, arguments: [screenshot])
        let share = try #require(Double(inked.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(share > 0.02, "the screenshot is blank or nearly: \(share) of its pixels differ from the background")
    }

    /// Decodes an 8-bit RGB(A) PNG with the standard library and prints the share of pixels that
    /// differ from the top-left one (the background).
    static let inkedShare = """
        import sys, struct, zlib
        data = open(sys.argv[1], "rb").read()
        assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
        pos, idat = 8, b""
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            chunk = data[pos + 8:pos + 8 + length]
            if kind == b"IHDR":
                width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            elif kind == b"IDAT":
                idat += chunk
            pos += 12 + length
        assert depth == 8 and color in (2, 6)
        bpp = 3 if color == 2 else 4
        raw = zlib.decompress(idat)
        stride = width * bpp
        rows, prev = [], bytearray(stride)
        for y in range(height):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line)
            prev = line
        background = bytes(rows[0][:3])
        inked = sum(1 for line in rows for x in range(0, stride, bpp) if bytes(line[x:x + 3]) != background)
        print(inked / (width * height))
        """
}
