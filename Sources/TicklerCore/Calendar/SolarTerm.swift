/// One of the 24 solar terms (节气): the instants the Sun's apparent geocentric longitude reaches a multiple
/// of 15°. The cases run in the order they fall in a Gregorian year, from xiaohan (小寒, 285°, early January)
/// to dongzhi (冬至, 270°, the December solstice); `SolarTerms` computes when each begins.
public enum SolarTerm: Int, CaseIterable, Sendable, Hashable {
    case xiaohan, dahan, lichun, yushui, jingzhe, chunfen, qingming, guyu, lixia, xiaoman, mangzhong, xiazhi
    case xiaoshu, dashu, liqiu, chushu, bailu, qiufen, hanlu, shuangjiang, lidong, xiaoxue, daxue, dongzhi

    /// The lowercase pinyin without tones, as the config spells it: `qingming`.
    public var pinyin: String { Self.pinyins[rawValue] }

    /// The name in simplified Chinese: `清明`.
    public var chineseName: String { Self.chineseNames[rawValue] }

    /// The Sun's apparent longitude at the term's start, in degrees (0 ≤ longitude < 360): chunfen is 0,
    /// xiaohan 285, dongzhi 270.
    public var longitude: Double { Double((285 + 15 * rawValue) % 360) }

    /// The term whose pinyin is `text`, ignoring ASCII case; `nil` for anything else.
    public static func named(_ text: String) -> SolarTerm? {
        let lowered = text.lowercased()
        guard let index = pinyins.firstIndex(of: lowered) else { return nil }
        return SolarTerm(rawValue: index)
    }

    /// Every term's pinyin, in case order.
    public static var pinyinNames: [String] { pinyins }

    private static let pinyins = [
        "xiaohan", "dahan", "lichun", "yushui", "jingzhe", "chunfen", "qingming", "guyu", "lixia", "xiaoman",
        "mangzhong", "xiazhi", "xiaoshu", "dashu", "liqiu", "chushu", "bailu", "qiufen", "hanlu", "shuangjiang",
        "lidong", "xiaoxue", "daxue", "dongzhi",
    ]

    private static let chineseNames = [
        "小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满", "芒种", "夏至",
        "小暑", "大暑", "立秋", "处暑", "白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪", "冬至",
    ]
}
