import TicklerCore
import TicklerMessages

/// Realistic reminders for the benchmark: a birthday greeting to a Chinese customer, with a Chinese
/// subject and a ten-line Chinese body (about 700 bytes of text), addressed by name; each message has
/// its own contact, key (and so its own `Message-ID`) and one of twenty names.
enum SampleMessages {
    static let from = EmailAddress(displayName: "客户服务部", address: "service@example.com")
    /// The instant the messages are due and dated: 2027-03-14 12:53:20 +08:00.
    static let due: Int64 = 1_805_000_000
    static let offset = 28_800

    static let names = [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄涛", "周杰", "吴霞",
        "徐明", "孙丽", "马超", "朱琳", "胡斌", "郭靖", "何雪", "高峰", "林慧", "欧阳娜娜",
    ]

    /// The reminder number `index` (0-based).
    static func rendered(_ index: Int, channel: String) -> RenderedMessage {
        let name = names[index % names.count]
        let contact = "c\(index + 1)"
        let day = CivilDate(year: 2027, month: 3, day: 14)
        let occurrence = Occurrence(
            key: "birthday-greeting/\(contact)/2027-03-14", rule: "birthday-greeting", contact: contact,
            to: .contact, recipient: contact, channel: channel, due: due, offset: offset, day: day,
            detail: .date(anniversary: day, leadDays: 0, years: 30 + index % 40))
        let person = RenderedMessage.Person(id: contact, name: name, email: "\(contact)@example.cn", language: "zh")
        return RenderedMessage(
            occurrence: occurrence, recipient: person, contact: person,
            templatePath: "templates/birthday-greeting.zh.txt", language: "zh", subject: subject(name),
            text: text(name), html: nil)
    }

    static func subject(_ name: String) -> String {
        "\(name)，祝您生日快乐！愿您新的一岁身体健康、万事顺意、阖家幸福"
    }

    static func text(_ name: String) -> String {
        """
        尊敬的\(name)：

        值此生日之际，客户服务部全体同事向您致以最诚挚的祝福！
        感谢您一直以来对我们的信任与支持。过去的一年里，能够为您提供服务，是我们的荣幸。
        为表谢意，我们为您准备了一份生日礼券，本月内到店或在线下单均可使用。
        如需预约服务或有任何问题，请随时回复本邮件，或致电 400-820-8820（工作日 9:00–18:00）。

        祝您生日快乐，万事如意！

        客户服务部
        2027年3月14日

        """
    }

    /// The email Tickler would send for reminder `index`, dated at its due instant.
    static func mail(_ index: Int) -> MailMessage {
        switch MailComposer.compose(rendered(index, channel: "email"), from: from, date: due, offset: offset) {
        case .success(let mail): return mail
        case .failure(let problem): fatalError("the sample message does not compose: \(problem.message)")
        }
    }
}
