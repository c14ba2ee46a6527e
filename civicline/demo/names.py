"""Name tables for generated people and organisations (茂名 area, Guangdong)."""

from __future__ import annotations

# Common surnames in western Guangdong, most frequent first and repeated by weight.
SURNAMES: tuple[str, ...] = (
    *"陈陈陈陈李李李黄黄黄张张梁梁林林刘刘吴吴杨杨何何罗罗周郑邓冯谭曾蔡彭许叶苏钟卢潘庞柯莫",
    *"杜邱詹江温骆吕谢廖赖朱胡徐关麦龙严袁唐宋韦覃邹甘",
    "欧阳", "司徒", "上官",
)

# Characters used in given names; two-character given names are the common case.
GIVEN_FIRST: tuple[str, ...] = tuple(
    "伟志文建国明海俊家嘉子思梓浩宇晓小丽美秀玉雪慧敏静婷雅佳欣诗晨振永国伟锦荣"
    "冠德宏耀华少炳汉锐立振桂金惠淑凤秋燕春月雨梦可乐"
)
GIVEN_SECOND: tuple[str, ...] = tuple(
    "强华明辉军平杰涛斌勇峰鹏伟宏东生彬洋坤豪轩宇涵然琳婷娜芳萍红霞玲洁莹瑶怡欣妍"
    "琪晴蓉娟兰英珍清荣文新杰鸿成辰阳"
)

# Organisation names: "{place}{brand}{industry}{suffix}".
COMPANY_PLACES: tuple[str, ...] = (
    "茂名市", "茂名市", "茂名市", "广东", "广东", "信宜市", "高州市", "化州市", "茂名市电白区",
    "茂名市茂南区", "茂名高新区",
)
COMPANY_BRANDS: tuple[str, ...] = (
    "华粤", "信达", "鸿运", "金源", "粤西", "南方", "海联", "恒盛", "锦华", "新元", "宏图",
    "立信", "晟丰", "博远", "嘉和", "丰泽", "汇通", "瑞祥", "荔乡", "龙湾", "茂盛", "德隆",
    "信宜", "高凉", "鉴江", "水东", "南粤", "富民", "裕丰", "兴盛", "海岸", "碧海", "永佳",
    "天成", "晨光", "润田", "众创", "协力", "同心", "万和", "安康", "启航", "金茂", "诚信",
    "中港", "粤茂", "绿源", "东方", "宏达", "华南",
)
COMPANY_SUFFIXES: tuple[str, ...] = (
    "有限公司", "有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司",
)
# Industry words by a keyword of the item title; the first match wins.
INDUSTRY_BY_KEYWORD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("食品", ("食品", "餐饮管理", "饮食", "农产品")),
    ("药", ("医药连锁", "大药房", "医药")),
    ("医疗", ("医疗器械", "医疗管理", "健康管理")),
    ("卫生", ("酒店管理", "美容美发", "物业服务")),
    ("运输", ("物流", "运输", "汽车运输")),
    ("出租汽车", ("出行科技", "汽车服务", "交通运输")),
    ("建设", ("建筑工程", "房地产开发", "建设投资")),
    ("建筑", ("建筑工程", "建筑劳务", "建设集团")),
    ("不动产", ("房地产开发", "置业", "物业管理")),
    ("商品房", ("房地产开发", "置业")),
    ("环境", ("环保科技", "石化", "新材料")),
    ("排污", ("石化", "化工", "环保科技")),
    ("危险", ("化工", "石化", "危险品运输")),
    ("燃气", ("燃气", "能源")),
    ("水", ("水务", "建设投资", "水利工程")),
    ("农", ("农业发展", "农资", "种养")),
    ("兽药", ("畜牧", "动物保健")),
    ("动物", ("畜牧", "养殖")),
    ("种子", ("种业", "农业科技")),
    ("渔业", ("水产", "海洋渔业")),
    ("林", ("林业发展", "木业")),
    ("旅", ("旅行社", "文化旅游", "酒店管理")),
    ("娱乐", ("文化娱乐", "娱乐")),
    ("演出", ("文化传媒", "演艺")),
    ("体育", ("体育发展", "运动健康")),
    ("学校", ("教育投资", "教育咨询")),
    ("培训", ("教育科技", "培训")),
    ("劳务", ("人力资源", "劳务派遣")),
    ("人力资源", ("人力资源", "企业管理咨询")),
    ("保安", ("保安服务",)),
    ("烟", ("商贸", "便利店")),
    ("广告", ("广告", "文化传媒")),
    ("项目", ("实业", "投资发展", "产业园开发")),
    ("防雷", ("建筑工程", "置业")),
)
DEFAULT_INDUSTRIES: tuple[str, ...] = (
    "科技", "商贸", "实业", "贸易", "网络科技", "电子商务", "信息技术", "企业管理",
)

# Staff roles by stage wire name (the hall's own job titles).
ROLES: dict[str, str] = {
    "accepted": "受理人员",
    "undertaken": "承办人",
    "reviewed": "审核人",
    "approved": "批准人",
    "concluded": "办结人员",
    "supplement_requested": "承办人",
    "suspended": "承办人",
    "resumed": "承办人",
    "rejected": "审核人",
    "withdrawn": "受理人员",
}

# Region codes of 茂名 used in generated resident ID numbers.
REGION_CODES: tuple[str, ...] = ("440902", "440904", "440981", "440982", "440983", "440900")
MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "134", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185", "186",
    "187", "188", "189", "191", "198", "199",
)


def industries_for(title: str) -> tuple[str, ...]:
    """Industry words that fit an organisation applying for `title`."""
    for keyword, words in INDUSTRY_BY_KEYWORD:
        if keyword in title:
            return words
    return DEFAULT_INDUSTRIES
