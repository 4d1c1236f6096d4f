"""What a particle does in one line, in words: glosses per function, and the clue in the line.

Written for twcasual (CC-BY-4.0 text). Per function: at least three zh-TW and three English
phrasings, so records do not all read alike. Per (particle, function), where the particle gives
the function a colour of its own: two more specific phrasings, added to the choice. Per rule
(the `clue` of a function_rules.Decision): one sentence naming what in the line signals the
function, with the particle and the cue word filled in.

`builder.annotate.function_explain` puts them together for one line.
"""

from __future__ import annotations

from builder.annotate.functions import FUNCTIONS

__all__ = ["CLUES", "GLOSSES", "SPECIFIC"]

# fmt: off
GLOSSES: dict[str, dict[str, tuple[str, ...]]] = {
    "assert": {
        "zh": ("在這裡是把話說定，語氣肯定", "表示這件事就是這樣，沒什麼好懷疑", "讓說法聽起來篤定，也帶點安撫"),
        "en": ("here it settles the point with assurance", "presents the statement as simply so",
               "makes the statement sound sure, often reassuring"),
    },
    "soften": {
        "zh": ("在這裡是緩和語氣，讓請求或拒絕不那麼硬", "把話說得軟一點，聽起來比較客氣",
               "讓勉強的答應或婉拒聽起來比較圓滑"),
        "en": ("here it softens a request or a refusal", "takes the edge off, so the line sounds polite",
               "makes a reluctant yes or a polite no sound gentler"),
    },
    "urge": {
        "zh": ("在這裡帶著不耐煩，是在催促或抱怨", "表示說話的人急了，要對方快一點", "帶出不滿或不服氣的語氣"),
        "en": ("here it carries impatience: urging or complaining", "shows the speaker is losing patience",
               "adds annoyance or defiance"),
    },
    "remind": {
        "zh": ("在這裡是友善的提醒或叮嚀", "像是在交代對方一件事，語氣親切", "提醒、警告或鼓勵對方，口氣溫和"),
        "en": ("here it makes a friendly reminder", "passes something on like a kindly word of advice",
               "turns the line into a gentle warning or encouragement"),
    },
    "realize": {
        "zh": ("在這裡表示恍然大悟：「原來如此」", "說話的人剛聽懂，正在消化這個消息", "表示「喔，我懂了」"),
        "en": ("here it means 'oh, I see'", "shows the speaker taking in news they did not know",
               "marks a sudden understanding"),
    },
    "question": {
        "zh": ("在這裡讓問句更口語、更柔和", "表示這是在發問，也把問句說得比較輕鬆", "帶出追問或質疑的語氣"),
        "en": ("here it marks and softens a question", "makes the question casual and less blunt",
               "presses or challenges in a question"),
    },
    "surprise": {
        "zh": ("在這裡表示驚訝，像是剛發現這件事", "帶出意外或興奮的感覺", "表示說話的人對眼前的事感到新奇"),
        "en": ("here it shows surprise at something just noticed", "adds a note of surprise or excitement",
               "signals that the speaker finds this new and striking"),
    },
    "seek_agreement": {
        "zh": ("在這裡是要對方附和：「對吧？」", "說話的人希望對方同意", "把意見丟給對方確認，期待對方說「對啊」"),
        "en": ("here it asks the listener to agree: 'right?'", "invites the listener to share the view",
               "checks that the listener sees it the same way"),
    },
    "suggest": {
        "zh": ("在這裡是提議一起做某件事", "表示「我們……吧」的邀請", "把話變成一個提議，邀對方參加"),
        "en": ("here it proposes doing something together", "works like English 'let's'",
               "turns the line into an invitation"),
    },
    "guess": {
        "zh": ("在這裡是推測，並請對方確認", "表示說話的人不太確定，在猜", "帶出「應該是……吧？」的語氣"),
        "en": ("here it marks a guess and asks for confirmation", "shows the speaker supposes but is not sure",
               "works like 'I suppose …, right?'"),
    },
    "change": {
        "zh": ("在這裡宣告情況改變或接下來要做的事", "表示「要開始了」「好了，換下一步」", "告訴大家新的狀況"),
        "en": ("here it announces a change or what happens next", "tells everyone that something now starts",
               "marks a new situation"),
    },
    "exclaim": {
        "zh": ("在這裡是感嘆，抒發情緒", "讓句子帶著強烈的感受", "把心裡的感覺喊出來"),
        "en": ("here it is an exclamation", "adds strong feeling to the line", "voices an emotion out loud"),
    },
}

# Keyed by the particle's main form (哦 is read as 喔, 吼 as 齁 ...: GLOSSARY's variant_of). The
# phrasings do not name the particle: the recipe puts it in front.
SPECIFIC: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("啦", "assert"): {"zh": ("把話說定，口氣輕鬆又肯定", "讓肯定的話聽起來隨和"),
                      "en": ("settles the point in an easy-going way", "makes a firm statement sound relaxed")},
    ("啦", "soften"): {"zh": ("把話說得軟一點，不管是拒絕、道歉、請求還是勉強答應", "讓這句話聽起來不那麼硬，比較客氣"),
                      "en": ("softens the line, be it a refusal, an apology, a request or a reluctant yes",
                             "takes the edge off, so the line sounds kinder")},
    ("啦", "urge"): {"zh": ("帶著不耐煩，是在催對方", "讓催促或抱怨更有力"),
                    "en": ("carries impatience and pushes the listener", "makes the urging or complaint sharper")},
    ("喔", "remind"): {"zh": ("是親切的叮嚀", "讓提醒聽起來溫和"),
                      "en": ("makes it a friendly reminder", "turns the line into kindly advice")},
    ("喔", "realize"): {"zh": ("表示「原來是這樣」", "是剛聽懂時的反應"),
                       "en": ("means 'oh, so that's how it is'", "is the reaction of someone who just understood")},
    ("喔", "question"): {"zh": ("是在確認「真的嗎？」", "帶點不敢相信地向對方確認"),
                        "en": ("asks 'really?', checking what was just said",
                               "checks with the listener, a little incredulous")},
    ("吧", "suggest"): {"zh": ("是「我們……吧」的提議", "把話變成邀約"),
                       "en": ("makes a 'let's' proposal", "turns the line into an invitation")},
    ("吧", "guess"): {"zh": ("表示推測，等對方確認", "是「應該是這樣吧？」的猜測"),
                     "en": ("marks a guess that waits for confirmation", "means 'I suppose so, right?'")},
    ("吧", "soften"): {"zh": ("讓答應或請求聽起來比較勉強、比較軟", "表示「那就這樣吧」的讓步"),
                      "en": ("makes a yes or a request sound mild and a little reluctant", "concedes: 'fine, then'")},
    ("吧", "seek_agreement"): {"zh": ("是在問「對吧？」", "要對方附和這個看法"),
                              "en": ("asks 'right?'", "invites the listener to agree")},
    ("呢", "question"): {"zh": ("讓問句柔和，或追問「那……呢？」", "是接著問下去的語氣"),
                        "en": ("softens a question or asks 'and what about …?'", "follows up with a question")},
    ("咧", "question"): {"zh": ("是在追問「……到哪去了？」", "讓問句帶點急"),
                        "en": ("presses 'where is …?'", "makes the question insistent")},
    ("咧", "urge"): {"zh": ("帶出不服氣或「跟想的不一樣」", "有點嗆，表示不以為然"),
                    "en": ("adds defiance, or 'not as you'd expect'", "pushes back against the listener")},
    ("囉", "change"): {"zh": ("宣告「要開始了」或「情況變了」", "是在通知大家下一步"),
                      "en": ("announces 'here we go' or 'things have changed'", "tells everyone what happens next")},
    ("齁", "seek_agreement"): {"zh": ("是台灣口語的「對吧？」", "要對方點頭同意"),
                              "en": ("is Taiwan's colloquial 'right?'", "asks the listener to nod along")},
    ("嘛", "assert"): {"zh": ("表示理所當然", "是「本來就是這樣」的語氣"),
                      "en": ("presents the point as obvious", "means 'that's just how it is'")},
    ("嘛", "soften"): {"zh": ("帶點撒嬌地央求", "讓請求聽起來像在拜託"),
                      "en": ("coaxes, a little pleading", "makes the request sound like begging nicely")},
    ("耶", "surprise"): {"zh": ("表示剛注意到、有點驚喜", "帶出新奇或興奮"),
                        "en": ("shows the speaker has just noticed, pleasantly surprised", "adds excitement")},
    ("欸", "surprise"): {"zh": ("表示剛發現這件事，有點意外", "帶出驚訝"),
                        "en": ("shows the speaker has just found this out", "adds surprise")},
    ("啊", "exclaim"): {"zh": ("讓感嘆更強烈", "把感受喊出來"),
                       "en": ("strengthens the exclamation", "voices the feeling")},
    ("蛤", "question"): {"zh": ("是「什麼？」的追問，沒聽清楚或不敢相信", "要對方再說一次"),
                        "en": ("means 'huh?': didn't catch it, or can't believe it", "asks to hear it again")},
    ("唷", "remind"): {"zh": ("是活潑的提醒或打氣", "讓叮嚀聽起來俏皮"),
                      "en": ("is a lively reminder or cheer", "makes the advice sound playful")},
    ("咩", "seek_agreement"): {"zh": ("是撒嬌地反問「不是嗎？」", "要對方認同，口氣可愛"),
                              "en": ("is a cute 'isn't it?'", "asks for agreement, playfully")},
}

# Clue sentences by the rule that fired; {p} is the particle, {w} the cue word in the line.
CLUES: dict[str, tuple[str, str]] = {
    "reluctant_yes": (
        "「{w}{p}」是勉強答應，意思接近「好吧，就這樣」",
        '"{w}{p}" is a reluctant yes, close to "OK, fine"',
    ),
    "stop_it": (
        "「好了{p}」在這裡是叫對方停下來",
        '"好了{p}" here tells someone to stop',
    ),
    "lets_go": (
        "「{w}{p}」是在招呼對方一起行動",
        '"{w}{p}" calls the listener to come along',
    ),
    "impatient_question": (
        "「{p}」加在問句後面，問得有點不耐煩",
        '"{p}" on a question makes it sound impatient',
    ),
    "disbelief": (
        "「{p}」接在「{w}」後面，表示不敢相信",
        '"{p}" follows "{w}" and shows disbelief',
    ),
    "complaint": (
        "「{w}」是抱怨的字眼，「{p}」把不滿帶出來",
        '"{w}" is a complaint word, and "{p}" voices the annoyance',
    ),
    "reassure": (
        "「{p}」接在「{w}」後面，是在安慰對方、要他放心",
        '"{p}" follows "{w}" and reassures the listener',
    ),
    "obvious": (
        "有「{w}」，「{p}」把這件事說成理所當然",
        'with "{w}", "{p}" presents the point as obvious',
    ),
    "obvious_plain": (
        "「{p}」把這件事說成理所當然",
        '"{p}" presents the point as obvious',
    ),
    "statement": (
        "「{p}」放在一般的直述句尾，把話說定",
        '"{p}" closes a plain statement and settles it',
    ),
    "imperative": (
        "句子以「{w}」開頭，是在叫對方做事，「{p}」讓催促更明顯",
        'the clause opens with "{w}", an order, and "{p}" presses it',
    ),
    "request": (
        "「{p}」放在請求後面，讓請求聽起來比較軟",
        '"{p}" after a request makes it gentler',
    ),
    "apology": (
        "「{p}」接在「{w}」後面，讓道歉聽起來不那麼生硬",
        '"{p}" follows the apology "{w}" and softens it',
    ),
    "refuse": (
        "「{p}」接在拒絕（「{w}」）後面，把拒絕說得比較軟",
        '"{p}" follows a refusal ("{w}") and softens it',
    ),
    "plead": (
        "「{w}」是在拜託，「{p}」讓語氣更軟",
        '"{w}" is a plea, and "{p}" softens it further',
    ),
    "settle": (
        "「{w}」表示讓步，「{p}」讓接受聽起來有點勉強",
        '"{w}" gives in, and "{p}" makes the acceptance sound reluctant',
    ),
    "urge": (
        "「{w}」帶出不耐煩，「{p}」讓語氣更急",
        '"{w}" shows impatience, and "{p}" sharpens it',
    ),
    "deny": (
        "「{w}」是反問，其實是否認，「{p}」帶點不服氣",
        '"{w}" is rhetorical, a denial, and "{p}" adds defiance',
    ),
    "we": (
        "句子裡有「{w}」，是在提議大家一起做",
        '"{w}" makes the line a proposal to do something together',
    ),
    "proposal": (
        "「{p}」把這個打算說成提議",
        '"{p}" turns the plan into a proposal',
    ),
    "announce": (
        "「{p}」用來宣告事情開始或狀況改變",
        '"{p}" announces that something starts or has changed',
    ),
    "realize": (
        "「{w}」加上「{p}」，表示剛弄懂",
        '"{w}" with "{p}" shows the speaker has just understood',
    ),
    "question_mark": (
        "句尾是問號，「{p}」讓問句更口語",
        'the question mark makes it a question, and "{p}" makes it casual',
    ),
    "question_word": (
        "句中的「{w}」是疑問詞，「{p}」讓問句柔和一點",
        'the question word "{w}" makes it a question, and "{p}" keeps it gentle',
    ),
    "where_is": (
        "「{w}{p}」這種短句是在問人或東西到哪去了",
        'a short "{w}{p}" asks where someone or something is',
    ),
    "remind": (
        "句子裡有「{w}」，是在提醒對方，「{p}」讓提醒聽起來親切",
        '"{w}" marks a reminder, and "{p}" makes it friendly',
    ),
    "heads_up": (
        "「{p}」把這個資訊當成提醒告訴對方",
        '"{p}" passes the information on as a friendly heads-up',
    ),
    "friendly_close": (
        "「{p}」讓句尾聽起來溫和，像在叮嚀",
        '"{p}" gives the line a warm, caring close',
    ),
    "degree": (
        "「{w}」加形容詞是感嘆，「{p}」讓語氣更強",
        '"{w}" plus an adjective exclaims, and "{p}" adds feeling',
    ),
    "emphasis": (
        "「{p}」輕輕強調這個事實",
        '"{p}" gently stresses the fact',
    ),
    "noticed": (
        "「{p}」放在說出新發現的句子後面，帶點驚訝",
        '"{p}" closes a line about something just noticed, with surprise',
    ),
    "topic_complaint": (
        "「{w}{p}，」先點名對方，後面接著抱怨",
        '"{w}{p}," singles out the listener before a complaint',
    ),
    "attention": (
        "「{w}」先引起對方注意",
        '"{w}" first catches the listener\'s attention',
    ),
    "oh_right": (
        "「對{p}」是突然想起來，意思接近「對喔！」",
        '"對{p}" is "oh, right!": the speaker remembers',
    ),
    "right": (
        "「{p}」放在看法後面，問對方是不是也這樣覺得",
        '"{p}" after an opinion asks whether the listener agrees',
    ),
    "agree": (
        "「{w}」加上「{p}」，是在要對方同意",
        '"{w}" with "{p}" asks the listener to agree',
    ),
    "evaluation": (
        "句子在評價（「{w}」），「{p}」加問號要對方附和",
        'the line judges something ("{w}"); "{p}?" asks for agreement',
    ),
    "too_much": (
        "「也太……了吧」是驚訝的感嘆，不是在猜",
        '"也太…了吧" exclaims in surprise; it is not a guess',
    ),
    "guess": (
        "有「{w}」，是推測，「{p}」請對方確認",
        '"{w}" makes it a guess, and "{p}" asks for confirmation',
    ),
    "about_you": (
        "說的是對方的事，「{p}」加問號是在向對方求證",
        'the line is about the listener; "{p}?" checks the guess with them',
    ),
    "confirm": (
        "「{p}」加問號，是帶著猜測的確認",
        '"{p}" with a question mark checks a supposition',
    ),
    "coax": (
        "「{w}」是在央求，「{p}」帶點撒嬌",
        '"{w}" asks a favour, and "{p}" coaxes',
    ),
    "defiance": (
        "「{p}」帶出不服氣，或表示和預期相反",
        '"{p}" adds defiance, or says things are not as expected',
    ),
    "huh": (
        "「{p}」是沒聽清楚或不敢相信時的追問",
        '"{p}" asks again: not heard, or not believed',
    ),
    "isnt_it": (
        "「{p}」是撒嬌地反問「不是嗎？」",
        '"{p}" is a cute "isn\'t it?"',
    ),
}
# fmt: on

assert set(GLOSSES) == set(FUNCTIONS), "a gloss for every function"
assert all(len(g[lang]) >= 3 for g in GLOSSES.values() for lang in ("zh", "en")), "three phrasings at least"
