/// The pages behind an unsubscribe link (`/u/TOKEN`): the confirmation a `GET` shows, and what a
/// `POST` did. One short HTML document in the configuration's language, no JavaScript; the form
/// posts back to the same link.
public enum UnsubscribePage {
    public enum State: Sendable {
        /// Subscribed: the button unsubscribes.
        case confirm
        /// Just unsubscribed (or already): the button subscribes again.
        case unsubscribed
        /// Just subscribed again.
        case resubscribed
        /// The link is not one of this server's.
        case invalid
    }

    public static func html(_ state: State, language: String, name: String?) -> String {
        let zh = language.lowercased().hasPrefix("zh")
        let who = name.map { StatusPage.escape($0) } ?? ""
        let (title, text, button, action): (String, String, String?, String) =
            switch (state, zh) {
            case (.confirm, true): ("退订提醒", "\(who)，确定不再接收我们的邮件提醒吗？", "确认退订", "unsubscribe")
            case (.confirm, false):
                (
                    "Unsubscribe", "\(who.isEmpty ? "" : who + ", ")stop receiving our emails?", "Unsubscribe",
                    "unsubscribe"
                )
            case (.unsubscribed, true): ("已退订", "已退订，我们不会再给您发送邮件提醒。", "重新订阅", "resubscribe")
            case (.unsubscribed, false):
                ("Unsubscribed", "You are unsubscribed: we will not email you again.", "Subscribe again", "resubscribe")
            case (.resubscribed, true): ("已重新订阅", "已重新订阅，谢谢！", nil, "")
            case (.resubscribed, false): ("Subscribed again", "You are subscribed again. Thank you!", nil, "")
            case (.invalid, true): ("链接无效", "这个退订链接无效，请使用邮件中的链接。", nil, "")
            case (.invalid, false):
                ("Invalid link", "This unsubscribe link is not valid: use the one in the email.", nil, "")
            }
        var body = "<h1>\(title)</h1>\n<p>\(text)</p>\n"
        if let button {
            body += """
                <form method="post"><input type="hidden" name="action" value="\(action)">\
                <button type="submit">\(button)</button></form>

                """
        }
        return """
            <!DOCTYPE html>
            <html lang="\(zh ? "zh" : "en")"><head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>\(title)</title>
            <style>\(StatusPage.stylesheet)
            button { font: inherit; padding: .5rem 1.25rem; }</style>
            </head><body>
            \(body)</body></html>

            """
    }
}
