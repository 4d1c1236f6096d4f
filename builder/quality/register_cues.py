"""Word tables for the register score: what counts as casual or formal evidence, and how much.

Weights are in logit units: positive pushes a line towards casual, negative towards formal.
The scorer adds a bias, the annotator's counts, a small weight per Chinese character and the
weight of every listed word found in a line: these constants and tables are the whole model.

A listed word that holds a shorter listed word adds its own weight in all, not both: 終於 is
listed with 0, so 終於 adds nothing although 於 alone is formal. That is what the weight-0
"shields" are for: everyday words that hold a formal character (關係 holds 係, 比較 holds 較,
可以 holds 以). When a casual line is pushed formal by a character inside a word, shield the word.

Particles, interjections, laughter and the Taiwan colloquial markers of builder/annotate/lexicon.py are
not listed: the annotator finds them and the scorer takes their counts, so nothing counts twice.
Words are at most four characters long, all in the Basic Multilingual Plane.
"""

from __future__ import annotations

__all__ = [
    "BIAS",
    "CASUAL_THRESHOLD",
    "CHAR_WEIGHT",
    "CORE_CHARS",
    "CORE_WEIGHT",
    "COUNT_CAP",
    "DATE_NUMERALS",
    "DATE_WEIGHT",
    "EMOJI_RANGES",
    "EMOJI_WEIGHT",
    "INTERJECTION_WEIGHT",
    "MARKER_WEIGHT",
    "PARTICLE_WEIGHT",
    "WORD_CUES",
]

# A line is "casual" from this score up, "formal" below it (the score is the logistic of the sum).
CASUAL_THRESHOLD = 0.5

# A line with no evidence at all leans casual: short neutral lines are at home in casual data.
BIAS = 1.5

# The annotator's counts (builder.annotate): each particle, interjection or colloquial marker.
PARTICLE_WEIGHT = 1.8
INTERJECTION_WEIGHT = 1.5
MARKER_WEIGHT = 1.5
# A few particles say "chat" already; more add nothing (a long rant can hold a dozen).
COUNT_CAP = 3

# Every Chinese character costs a little, except the characters everyday speech is made of
# (pronouns, demonstratives, aspect and structural particles, the verbs and adverbs of daily
# life), which earn a little. Chat is dense in them; formal prose is made of compounds, names and
# written function words, so a long line without them reads formal even when no listed word is in it.
CHAR_WEIGHT = -0.15
CORE_WEIGHT = 0.4
CORE_CHARS = (
    "我你妳他她它們這那哪誰什麼怎樣的了著過是不沒有在就都也還又再才很好太真個些點"
    "去來到給跟和把被讓叫想說講問看聽吃喝睡玩買拿找走跑坐做弄搞知道覺得喜歡愛怕"
    "嘛吧啦喔耶欸呢嗎啊哈天晚早剛先快慢錢話上次完掉"
)

# (weight, words separated by spaces); a word is listed once.
WORD_CUES: tuple[tuple[float, str], ...] = (
    # --- shields: everyday words that hold a formal character -----------------------------
    (
        0.0,
        """
        終於 等於 至於 關於 超過 超市 超商 超級市場 超出 超額 超越 超速 超載 超音波
        超前 其實 其他 其中 尤其 與其 極其 應該 活該 本該 答應 反應 適應 回應 關係
        沒關係 比較 可以 所以 以前 以後 以為 以上 以下 以外 難以 來不及 及時 及格
        普及 平均 即使 將近 因此 如此 彼此 從此 此刻 至少 甚至 已經 並不 並沒 一致
        大致 自我 未來 不已 而已 而且 之前 之後 之類 之外 之間 之中 總之 連續劇
        請客 我請 請假 請問 或者 使用 大使 天使 假使 答案 檔案 圖案 故意 故事 否則
        規則 和尚 必須 就醫 就任 就業 就讀 就診 成就 都市 首都 良好 友好 偏好 愛好
        思想 理想 構想 約會 預約
    """,
    ),
    # 本 as a determiner (本站, 本停車場) is formal; these are the everyday words that hold it.
    (
        0.0,
        """
        本來 本身 本事 本地 本名 日本 基本 成本 課本 筆記本 書本 版本 劇本 資本
        樣本 一本 兩本 三本 幾本 這本 那本 每本 哪本 整本 繪本 本子
    """,
    ),
    (-1.3, "本"),
    # A tilde after a digit is a range (18～25度), not a chatty tilde.
    (
        0.0,
        """
        0～ 1～ 2～ 3～ 4～ 5～ 6～ 7～ 8～ 9～ 0~ 1~ 2~ 3~ 4~
        5~ 6~ 7~ 8~ 9~
    """,
    ),
    # --- formal: letters, notices, law (formulas no chat line uses unquoted) --------------
    (
        -2.5,
        """
        敬請 敬邀 敬啟 敬悉 敬上 謹 茲因 茲訂 茲 爰 俾 惠予 惠允 撥冗 鼎力 承蒙
        此致 順頌 商祺 台鑒 鈞鑒 檢附 恕不 特此 乙份 乙張 予以 應予 逕行 旨揭 上開
        綜上 如蒙 不勝感激 貴公司 貴單位 貴校 貴方 貴會 貴院
    """,
    ),
    (
        -1.8,
        """
        本公司 本店 本館 本行 本署 本局 本府 本院 本會 本站 本網站 本商品 本產品
        本研究 本文 本計畫 本章 本期 本次 本案 本要點 本辦法 本法 本條例 本契約
        本大樓 本裝置 本系統 本保固 本公告 本報 本課程 本活動 本餐廳 本人 本機 本論文
        本實驗 係指 旨在 據了解 據悉 迄今 屆時 主管機關 即日起 另行 毋須 無須 得以
        始生 罰鍰 處分 依法 依據 依本 依公司 函請 洽詢 請洽 請勿 不得 勒令 訴願
        切勿 有期徒刑 即可 甲方 乙方
    """,
    ),
    # --- formal: written function words and news verbs ------------------------------------
    (
        -1.3,
        """
        將於 係 該 亦 皆 惟 逾 擬 欲 暨 其 之 於 乃 呼籲 指出 探討 發言人 記者
        報導 據 坦言 宣布 表明 強調 民眾 受訪者 同仁 顯著 有待 具有 若干 此外 此次
        此一 綜合 相較 其次 日益 逐步 予 遭 須 如有 請先 若有 如下 下列 前項 前條
        辦理 實施 落實 推動 檢具 申報 核定 審議 審查 受理 提交 召開 舉行 前往 呈現
        進一步 相關 針對 進行 評估 基於 藉由 然而 因而 聲明 我國 我方 您
    """,
    ),
    (
        -0.9,
        """
        表示 目前 今日 昨日 明日 本週 本月 本日 本季 日前 近日 每日 每年 顯示 分析
        研究 政府 單位 規定 申請 提出 提供 造成 影響 預計 預期 持續 全面 正式 仍
        並 及 與 應 較 已 將 均 至 若 未 此 以 故 且 則 尚 甚 頗 者 使 為何
        是否 根據 統計 估計 決議 通過 公布 宣佈 規範 制度 措施 政策 機關 市府 官員
        人次 億元 美元 百分之 新臺幣 新台幣 業者 消費者 使用者 旅客 顧客 市民 居民
        國人 以及 有關 立即 儘速 妥善 確實 適當 具體 主要 重要 部分 等罪 等症狀
        共計 達 獲 對於 由於 位於 過於 透過 《 %
    """,
    ),
    # --- formal: topic words of formal prose (courts, politics, markets, manuals, research)
    (
        -0.9,
        """
        法院 被告 原告 判決 判處 徒刑 審理 認定 起訴 偵辦 涉嫌 嫌犯 檢方 警方 當局
        官方 總統 總理 首相 部長 議員 議會 立法院 行政院 國會 選舉 候選人 政黨 執政
        在野 外交 軍方 部隊 戰爭 攻擊 各國 各方 雙方 國際 區域 全球 經濟 營收 財報
        股價 指數 油價 出貨 出口 進口 市場 漲幅 跌幅 走跌 走揚 回升 下滑 下修 上修
        同期 連續 年增 成長 預算 投資 企業 產業 人士 消息人士 引述 透露 證實 否認
        承諾 批評 譴責 抗議 衝突 危機 協議 罹難 傷亡 災害 辭世 逝世 撤離 救援 生還
        調查 專家 警告 事件 訪問 感到 頻繁 極端 請將 請依 請至 請與 務必 服用 指示
        指示燈 操作 安裝 裝置 注意事項 說明書 規格 保固 拔除 移除 去除 排除 解除
        消除 購買 受試者 變項 假設 係數 實證 文獻 架構 方法 模型 機制 資料 數據
        效益 指標 因素 程度 觀點 層面 面向 議題 法規 條文 遭到 獲得 發表 舉辦 出席
        展開 維持 確保 加強 擴大 降低 提升 改善 執行 規劃 核准 核發 維護 保障 促進
        推廣 因應 配合 協助 致力 生效 發布 公告 依照 豪雨 豪大雨 降雨 鋒面 環流
        氣溫 規模 晚間 當地 死亡 罹患 終場 下跌 上漲 成交 萎縮 大眾 初次 首次 謝意
        在此 專員 承辦人 附件 如附件 餘
    """,
    ),
    (-0.5, "發生 增加 減少 下降 上升 共 利用 有限 如 人員 、 案 請 電源"),
    # Shields for 共, 如, 餘 and 謹 (those for 請 and 案 are in the first group).
    (0.0, "一共 總共 如果 比如 不如 假如 例如 多餘 剩餘 業餘 謹慎 嚴謹"),
    # --- casual: pronouns, questions, everyday words --------------------------------------
    (0.25, "他 她 他們 她們 很 好 都 就 塊 了 吃 喝 睡 玩 買 挺 有點 嗨 掰"),
    (
        0.5,
        """
        我 你 妳 我們 你們 什麼 為什麼 怎麼 怎樣 哪裡 哪個 誰 嗎 沒 沒有 好像
        真的 今天 明天 昨天 晚上 早上 剛剛 剛 一下 等等 這個 那個 東西 一直 還是
        還要 整個 覺得 知道 喜歡 麻煩
    """,
    ),
    (
        0.9,
        """
        ？ ? ！ ! ～ ~ … 了。 了， 了！ 了？ 晚點 待會 等一下 禮拜 週末 反正
        根本 乾脆 居然 竟然 幹嘛 不要 不用 不行 算了 拜託 謝謝 謝啦 對不起 抱歉
        好不好 要不要 是不是 有沒有 會不會 能不能 可不可以 對不對 去不去 吃不吃 想不想
        累不累 冷不冷 貴不貴 夠不夠 行不行 蠻 好吃 好喝 好玩 好看 好累 好煩 好熱
        好冷 好餓 好想 好期待 太好 弄 搞 爽
        累死 熱死 冷死 餓死 氣死 煩死 笑 哭 掰掰 晚安 早安 生日快樂 加油 咱們 人家
        傢伙 差點 剛好 好了 再說 順便 便當 珍奶 宵夜 滑手機
    """,
    ),
    (1.3, "超"),
    (
        1.6,
        """
        我媽 我爸 我哥 我姊 我姐 我妹 我弟 我阿嬤 我阿公 我外婆 我室友 我朋友 我男友
        我女友 阿嬤 阿公 阿姨 老媽 老爸 男朋友 女朋友 XD xD Xd lol LOL
        Lol QQ orz www ㄏㄏ ^^ :) :(
    """,
    ),
)

# A date in news style: a numeral before 日 (12日, 三日); chat says 12號.
DATE_WEIGHT = -1.3
DATE_NUMERALS = "0123456789０１２３４５６７８９一二三四五六七八九十兩"

# Emoji and pictographs (as regex-style ranges): casual evidence wherever they stand.
EMOJI_WEIGHT = 1.6
EMOJI_RANGES = "\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55"
