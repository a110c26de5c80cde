"""Generator of realistic Vietnamese news articles, for benchmarks and load tests.

The articles read like a Propaganda board's news: meetings, study of
resolutions, emulation movements, gifts to families, with people, wards and
figures. Like real sites they mix tone styles (``hoà``/``hòa``, ``thuỷ``/
``thủy``; mostly by article, sometimes within one), arrive decomposed (NFD)
now and then, and run 300–1,500 words. Deterministic for a given seed.

Usage::

    generator = Corpus(seed=1)
    article = generator.article(number)   # dict: title, lead, body (plain), body_html, ...
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass
from functools import cache

SURNAMES = (
    ["Nguyễn"] * 12 + ["Trần"] * 4 + ["Lê"] * 3 + ["Phạm"] * 2 + ["Huỳnh", "Hoàng", "Phan", "Võ", "Vũ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai", "Tạ", "Quách", "Châu", "Thái"]
)  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thành", "Xuân", "Hoài", "Kim", "Công",
          "Trọng", "Thu", "Bảo", "Gia", "Hồng", "Phương", "Tấn", "Quang", "Anh", "Mỹ", "Diệu", "Thuý"]  # fmt: skip
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan", "Linh", "Long", "Mai", "Nam",
         "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Thuỷ", "Trang", "Tuấn", "Việt", "Yến", "Khoa", "Hoà", "Thuý",
         "Loan", "Nhung", "Phúc", "Lộc", "Tài", "Trí", "Nghĩa", "Hiếu", "Khánh", "Hoàng", "Duy", "Ngân", "Vy",
         "Quý", "Toàn", "Thắng", "Lợi", "Hoa", "Huệ", "Cúc", "Đào", "Tùng", "Kiên", "Thịnh", "Vinh", "Chi", "Hậu"]  # fmt: skip
WARDS = ["Long Hoà", "Bình Thuỷ", "An Khánh", "Tân An", "Cái Khế", "Hưng Lợi", "Trà Nóc", "Thới An Đông",
         "An Bình", "Xuân Khánh", "Thới Bình", "Long Tuyền", "An Hoà", "Trà An", "Bùi Hữu Nghĩa", "Ninh Kiều",
         "Cái Răng", "Ô Môn", "Thốt Nốt", "Phong Điền", "Cờ Đỏ", "Vĩnh Thạnh", "Thới Lai", "Tân Lộc",
         "Hiệp Thành", "Trung Nhứt", "Phước Thới", "Long Hưng", "Mỹ Khánh", "Nhơn Ái", "Giai Xuân", "Tân Phú",
         "Thạnh Xuân", "Ba Láng", "Hưng Phú", "Lê Bình", "Thường Thạnh", "Phú Thứ", "Tân Thới", "Trường Lạc"]  # fmt: skip
UNIT_KINDS = ["phường", "xã", "đặc khu", "khu vực", "ấp"]
ORGS = ["Ban Tuyên giáo và Dân vận", "Đảng uỷ", "Uỷ ban nhân dân", "Uỷ ban Mặt trận Tổ quốc Việt Nam",
        "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Cựu chiến binh", "Hội Nông dân", "Công đoàn",
        "Trung tâm Chính trị", "Ban Thường vụ Đảng uỷ", "Ban Chấp hành Đảng bộ", "Uỷ ban Kiểm tra Đảng uỷ",
        "Chi bộ khu vực", "Công an phường", "Ban Chỉ huy Quân sự", "Trạm Y tế", "Trường Trung học cơ sở",
        "Hội Khuyến học", "Hội Chữ thập đỏ", "Văn phòng Đảng uỷ", "Ban Chỉ đạo 35", "Hội đồng nhân dân"]  # fmt: skip
POSITIONS = ["Bí thư Đảng uỷ", "Phó Bí thư Thường trực", "Chủ tịch Uỷ ban nhân dân", "Phó Chủ tịch Uỷ ban nhân dân",
             "Trưởng ban Tuyên giáo và Dân vận", "Phó Trưởng ban Tuyên giáo và Dân vận", "Chủ tịch Uỷ ban Mặt trận",
             "Bí thư Đoàn phường", "Chủ tịch Hội Liên hiệp Phụ nữ", "Giám đốc Trung tâm Chính trị",
             "Uỷ viên Ban Thường vụ", "Trưởng Công an phường", "Chủ tịch Hội Cựu chiến binh"]  # fmt: skip
TOPICS = ["công tác tuyên giáo", "chuyển đổi số", "cải cách hành chính", "xây dựng nông thôn mới",
          "an toàn giao thông", "phòng chống dịch bệnh", "bảo vệ môi trường", "an sinh xã hội",
          "giảm nghèo bền vững", "phòng chống thiên tai", "công tác dân vận", "quy chế dân chủ ở cơ sở",
          "phong trào thi đua yêu nước", "kinh tế tập thể", "văn hoá văn nghệ", "thể dục thể thao",
          "giáo dục đào tạo", "y tế cơ sở", "khoa học công nghệ", "xây dựng Đảng", "công tác kiểm tra, giám sát",
          "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "nghị quyết Trung ương",
          "bảo vệ nền tảng tư tưởng của Đảng", "đấu tranh phản bác các quan điểm sai trái, thù địch",
          "phát triển đảng viên", "công tác cán bộ", "phòng chống tham nhũng, tiêu cực", "đền ơn đáp nghĩa",
          "chăm sóc sức khoẻ nhân dân", "an ninh trật tự", "quốc phòng toàn dân", "thuỷ lợi nội đồng",
          "khuyến học, khuyến tài", "bình đẳng giới", "phòng chống bạo lực gia đình", "kinh tế số",
          "thanh toán không dùng tiền mặt", "định danh điện tử", "đô thị văn minh", "dư luận xã hội",
          "sắp xếp đơn vị hành chính", "bầu cử đại biểu Quốc hội và Hội đồng nhân dân", "đại hội đảng bộ các cấp",
          "nhận thức về Đảng", "lý luận chính trị", "báo cáo viên", "tuyên truyền viên", "dân vận khéo"]  # fmt: skip
VERBS = ["tổ chức", "triển khai", "quán triệt", "học tập", "thực hiện", "đánh giá", "tổng kết", "sơ kết",
         "phát động", "tuyên truyền", "vận động", "kiểm tra", "giám sát", "chỉ đạo", "hướng dẫn", "biểu dương",
         "khen thưởng", "phối hợp", "đẩy mạnh", "nâng cao", "tăng cường", "phát huy", "đổi mới", "hoàn thành",
         "lãnh đạo", "góp ý", "thảo luận", "thống nhất", "ban hành", "rà soát", "củng cố", "xây dựng",
         "hỗ trợ", "thăm hỏi", "động viên", "ghi nhận", "quan tâm", "đôn đốc", "kiện toàn", "bồi dưỡng"]  # fmt: skip
ADVERBS = ["hiệu quả", "thiết thực", "sâu rộng", "kịp thời", "nghiêm túc", "đồng bộ", "chặt chẽ", "tích cực",
           "chủ động", "sáng tạo", "bền vững", "toàn diện", "rõ rệt", "đúng tiến độ", "có chất lượng",
           "thường xuyên", "liên tục", "quyết liệt", "linh hoạt", "phù hợp với tình hình thực tế"]  # fmt: skip
PEOPLE = ["cán bộ, đảng viên", "đoàn viên, thanh niên", "hội viên phụ nữ", "cựu chiến binh", "người dân",
          "học sinh", "gia đình chính sách", "hộ nghèo, hộ cận nghèo", "người cao tuổi", "báo cáo viên",
          "tuyên truyền viên", "cộng tác viên dư luận xã hội", "quần chúng ưu tú", "đảng viên mới",
          "bí thư chi bộ", "trưởng khu vực", "doanh nghiệp", "tiểu thương", "công nhân", "giáo viên"]  # fmt: skip
EVENTS = ["hội nghị", "hội thi", "lễ ra quân", "buổi sinh hoạt chuyên đề", "lớp bồi dưỡng", "hội nghị báo cáo viên",
          "buổi đối thoại", "lễ kết nạp đảng viên", "chương trình giao lưu", "hội diễn văn nghệ", "lễ khai giảng",
          "lễ bế giảng", "lễ trao quyết định", "buổi tiếp xúc cử tri", "đợt cao điểm", "ngày hội"]  # fmt: skip
PERIODS = ["6 tháng đầu năm", "quý I", "quý II", "quý III", "năm", "nhiệm kỳ", "tháng", "đợt 1", "giai đoạn 2021 - 2025"]  # fmt: skip
GIFTS = ["suất quà", "phần quà", "thẻ bảo hiểm y tế", "xe đạp", "suất học bổng", "căn nhà đại đoàn kết", "bộ sách giáo khoa"]  # fmt: skip
CONNECTORS = ["Bên cạnh đó", "Qua đó", "Đồng thời", "Trong thời gian tới", "Theo đó", "Ngoài ra", "Tuy nhiên",
              "Cũng tại buổi", "Dịp này", "Phát biểu chỉ đạo", "Theo báo cáo", "Kết quả", "Nhìn chung"]  # fmt: skip

TITLE_TEMPLATES = [
    "{Org} {unit} {verb} {topic}",
    "{Verb} {topic} năm {year}",
    "{Event} {topic} {period}",
    "{Unit} {verb} {topic}",
    "Đẩy mạnh {topic} tại {unit}",
    "{Org} {unit} sơ kết {topic} {period}",
    "Nhiều hoạt động {topic} tại {unit}",
    "{Event} về {topic} với {number} điểm cầu",
    "Trao {number} {gift} cho {people} {unit}",
    "{Unit}: hiệu quả từ mô hình {topic}",
]
SENTENCE_TEMPLATES = [
    "{time}, {org} {unit} đã {verb} {event} {verb2} {topic} {period}.",
    "Tham dự có đồng chí {name}, {position}; đồng chí {name2}, {position2} cùng {number} {people}.",
    "Tại {event}, các đại biểu đã {verb} kết quả {topic}, đồng thời {verb2} nhiệm vụ trọng tâm {period} tới.",
    "Đồng chí {name} nhấn mạnh, {org} cần {verb} {topic} {adverb}, gắn với {topic2}.",
    "{Connector}, {org} đã {verb} {number} {event} với {number2} lượt người tham dự.",
    "Theo báo cáo, {period} qua, {unit} đã {verb} {topic} {adverb}, đạt {percent}% kế hoạch đề ra.",
    "Dịp này, {org} trao tặng {number} {gift} cho {people}, mỗi suất trị giá {money} đồng.",
    "{Connector}, vẫn còn một số hạn chế như việc {verb} {topic} có lúc chưa {adverb}.",
    "Nguyên nhân là do một số {people} chưa nhận thức đầy đủ về {topic}.",
    "{Connector}, {unit} tiếp tục {verb} {topic}, {verb2} {topic2} {adverb}.",
    "{Event} được tổ chức theo hình thức trực tiếp kết hợp trực tuyến đến {number} điểm cầu.",
    "Có {percent}% {people} tham gia học tập, viết bài thu hoạch đúng thời gian quy định.",
    "Các chi bộ đã {verb} nghị quyết, xây dựng chương trình hành động cụ thể, sát với thực tế địa phương.",
    "Qua {event}, {people} hiểu rõ hơn về {topic}, từ đó chủ động {verb} và nhân rộng mô hình hay.",
    "Đồng chí {name} đề nghị các ngành, đoàn thể {verb} {topic}, kịp thời nắm bắt tâm tư, nguyện vọng của nhân dân.",
    "{Unit} hiện có {number} chi bộ trực thuộc với {number2} đảng viên, trong đó {number3} đảng viên nữ.",
    "Năm {year}, {org} đã kết nạp {number} đảng viên mới, đạt {percent}% chỉ tiêu.",
    "Ngày {day}/{month}/{year}, {org} {unit} {verb} {event} {topic}.",
    "{Connector}, {org} phối hợp với {org2} {verb} {topic} cho {people} trên địa bàn.",
    "Mô hình “{topic}” của {unit} được đánh giá cao và nhân rộng ra các địa phương khác.",
    "Kết thúc {event}, Ban Tổ chức đã trao giải nhất cho {people} {unit}, giải nhì cho {org} {unit2}.",
    "{Connector}, {people} đã đóng góp {number} ngày công, hiến {number2} mét vuông đất làm đường giao thông.",
    "Đây là dịp để {people} ôn lại truyền thống vẻ vang của Đảng, của quê hương {unit}.",
    "Phát biểu tại {event}, đồng chí {name} ghi nhận, biểu dương những kết quả mà {org} đạt được thời gian qua.",
    "Công tác nắm bắt dư luận xã hội được thực hiện {adverb}, {number} ý kiến được tổng hợp, báo cáo kịp thời.",
]
BYLINE_TEMPLATES = ["Tin, ảnh: {name}", "Tin: {name}", "Bài, ảnh: {name}", "Bài: {name}; ảnh: {name2}", "Tin, ảnh: {name}, {name2}"]  # fmt: skip

_TONES = "\u0300\u0301\u0303\u0309\u0323"


@cache
def old_style(syllable: str) -> str:
    """``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``, ``khoẻ`` → ``khỏe``: tone on the first vowel of oa, oe, uy (open syllables)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in _TONES), "")
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    lower = base.lower()
    for pair in ("oa", "oe", "uy"):
        if tone and lower.endswith(pair) and not lower.startswith("qu"):
            at = len(base) - 2
            return unicodedata.normalize("NFC", base[: at + 1] + tone + base[at + 1 :])
    return syllable


def _number(rnd: random.Random) -> str:
    return str(rnd.choice((2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 45, 50, 60, 100, 120, 150, 200, 350)))


SLOTS = {
    "org": lambda c, r: r.choice(ORGS),
    "org2": lambda c, r: r.choice(ORGS),
    "unit": lambda c, r: c._unit(r),
    "unit2": lambda c, r: c._unit(r),
    "verb": lambda c, r: r.choice(VERBS),
    "verb2": lambda c, r: r.choice(VERBS),
    "topic": lambda c, r: r.choice(TOPICS),
    "topic2": lambda c, r: r.choice(TOPICS),
    "event": lambda c, r: r.choice(EVENTS),
    "period": lambda c, r: r.choice(PERIODS),
    "people": lambda c, r: r.choice(PEOPLE),
    "position": lambda c, r: r.choice(POSITIONS),
    "position2": lambda c, r: r.choice(POSITIONS),
    "adverb": lambda c, r: r.choice(ADVERBS),
    "gift": lambda c, r: r.choice(GIFTS),
    "connector": lambda c, r: r.choice(CONNECTORS),
    "name": lambda c, r: c._name(r),
    "name2": lambda c, r: c._name(r),
    "number": lambda c, r: _number(r),
    "number2": lambda c, r: str(r.randint(20, 2500)),
    "number3": lambda c, r: str(r.randint(5, 300)),
    "percent": lambda c, r: str(r.randint(60, 100)),
    "money": lambda c, r: f"{r.choice((300, 500, 700, 1000, 1500, 2000))}.000",
    "year": lambda c, r: str(r.randint(2014, 2025)),
    "day": lambda c, r: f"{r.randint(1, 28):02d}",
    "month": lambda c, r: f"{r.randint(1, 12):02d}",
    "time": lambda c, r: r.choice(("Sáng nay", "Chiều nay", "Sáng ngày 5/3", "Vừa qua", "Ngày 12/7", "Tối 20/11")),
}


class _Slots(dict):
    """Template values drawn only when a template asks for them ("Org" is "org" capitalised)."""

    def __init__(self, corpus, rnd):
        super().__init__()
        self.corpus, self.rnd = corpus, rnd

    def __missing__(self, key):
        lower = key[0].lower() + key[1:]
        value = SLOTS[lower](self.corpus, self.rnd)
        if lower != key:
            value = value[0].upper() + value[1:]
        self[key] = value
        return value


@dataclass
class Article:
    number: int
    title: str
    lead: str
    body: str  # plain text, paragraphs separated by "\n"
    published_at: datetime.datetime
    byline: str
    tags: list[str]
    category: str

    @property
    def body_html(self) -> str:
        return "".join(f"<p>{paragraph}</p>" for paragraph in self.body.split("\n"))

    def words(self) -> int:
        return len((self.title + " " + self.lead + " " + self.body).split())


class Corpus:
    CATEGORIES = ("tin-hoat-dong", "xay-dung-dang", "dan-van", "van-hoa-xa-hoi", "hoc-tap-lam-theo")
    START = datetime.datetime(2014, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))

    def __init__(self, seed: int = 1, *, min_words: int = 300, max_words: int = 1500):
        self.seed = seed
        self.min_words = min_words
        self.max_words = max_words

    def _name(self, rnd: random.Random) -> str:
        return f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"

    def _unit(self, rnd: random.Random) -> str:
        return f"{rnd.choices(UNIT_KINDS, weights=(5, 4, 1, 2, 2))[0]} {rnd.choice(WARDS)}"

    def _sentence(self, rnd: random.Random, templates=SENTENCE_TEMPLATES) -> str:
        text = rnd.choice(templates).format_map(_Slots(self, rnd))
        return text[0].upper() + text[1:]

    def article(self, number: int) -> Article:
        rnd = random.Random(self.seed * 1_000_003 + number)
        title = self._sentence(rnd, TITLE_TEMPLATES)
        lead = " ".join(self._sentence(rnd) for _ in range(rnd.randint(1, 2)))
        target = int(rnd.triangular(self.min_words, self.max_words, self.min_words + 300))
        paragraphs, words = [], len(title.split()) + len(lead.split())
        while words < target:
            paragraph = " ".join(self._sentence(rnd) for _ in range(rnd.randint(2, 5)))
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        style = rnd.random()
        title, lead, body = (self._style(part, style, rnd) for part in (title, lead, "\n".join(paragraphs)))
        if rnd.random() < 0.05:  # typed on a keyboard that sends decomposed text
            title, lead, body = (unicodedata.normalize("NFD", part) for part in (title, lead, body))
        published_at = self.START + datetime.timedelta(minutes=number * 5 + rnd.randint(0, 4))
        return Article(
            number=number,
            title=title,
            lead=lead,
            body=body,
            published_at=published_at,
            byline=rnd.choice(BYLINE_TEMPLATES).format(name=self._name(rnd), name2=self._name(rnd)),
            tags=rnd.sample(TOPICS, rnd.randint(1, 3)),
            category=rnd.choice(self.CATEGORIES),
        )

    @staticmethod
    def _style(text: str, style: float, rnd: random.Random) -> str:
        """About 60 % of articles in the new tone style, 30 % old style, 10 % mixed word by word."""
        if style < 0.6:
            return text
        words = text.split(" ")
        if style < 0.9:
            return " ".join(old_style(w) for w in words)
        return " ".join(old_style(w) if rnd.random() < 0.5 else w for w in words)
