import HTTPTypes
import HummingbirdCore
import NIOCore
import TicklerCore
import TicklerReports

/// An error answer: `application/problem+json` (RFC 9457) with `status`, `title`, `detail` and, for
/// invalid items, `errors` with a JSON Pointer each.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var detail: String
    var errors: [EventRequest.Problem] = []
    var headers: HTTPFields = [:]

    init(
        _ status: HTTPResponse.Status, _ detail: String, errors: [EventRequest.Problem] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    var document: JSONDocument {
        var fields: [(String, JSONDocument)] = [
            ("type", .string("about:blank")), ("status", .number(Int64(status.code))),
            ("title", .string(status.reasonPhrase)), ("detail", .string(detail)),
        ]
        if !errors.isEmpty {
            fields.append(
                (
                    "errors",
                    .array(errors.map { .object([("pointer", .string($0.pointer)), ("detail", .string($0.detail))]) })
                ))
        }
        return .object(fields)
    }

    var response: Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response.bytes(Array(document.text.utf8), status: status, headers: headers)
    }

    static func unauthorized(_ detail: String) -> Problem {
        // One challenge per header: browsers read a Basic challenge after another scheme's poorly.
        var headers = HTTPFields()
        headers.append(HTTPField(name: .wwwAuthenticate, value: "Basic realm=\"tickler\", charset=\"UTF-8\""))
        headers.append(HTTPField(name: .wwwAuthenticate, value: "Bearer realm=\"tickler\""))
        return Problem(.unauthorized, detail, headers: headers)
    }
}

extension Response {
    /// A complete answer with a body, `Content-Length` set.
    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok, type: String = "text/plain; charset=utf-8")
        -> Response
    {
        bytes(Array(text.utf8), status: status, headers: [.contentType: type])
    }

    static func json(_ document: JSONDocument, status: HTTPResponse.Status = .ok) -> Response {
        text(document.text, status: status, type: "application/json")
    }
}
