"""Synthetic but plausible guides for benchmarks: "{qualifier}{object}{action}" titles."""

from __future__ import annotations

import random
from collections.abc import Iterator

from civicline.core.models import Faq, Guide
from civicline.demo.content.common import OFFICE_HOURS
from civicline.demo.content.departments import DEPARTMENTS
from civicline.demo.guide_text import fee_text, generated_faqs, parse_material, procedure
from civicline.demo.guides import GUIDES_UPDATED_AT, PORTAL

# department -> ("object:category" words, life events). Categories choose fitting actions:
# L licence, F filing, S public service, C certification.
_DOMAINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "市场监督管理局": (
        "食品摊贩:F 小餐饮:L 网络餐饮服务:F 特殊食品销售:L 检验检测机构:C 电梯维保:F "
        "广告发布:F 农贸市场:F 保健食品经营:L 中央厨房:L 集体用餐配送:L 计量标准:C",
        ("经营", "开办企业")),
    "自然资源局": (
        "农村宅基地使用:L 集体建设用地使用:L 国有建设用地划拨:L 测绘资质:C "
        "地质灾害危险性评估:F 采矿权延续:L 土地复垦方案:F 房地一体确权:C 林权类不动产:C",
        ("建设", "购房")),
    "住房和城乡建设局": (
        "房地产开发企业资质:C 物业服务项目:F 建筑起重机械使用:C 预拌混凝土企业:C "
        "房屋安全鉴定:S 白蚁防治:F 人防工程竣工:F 公共租赁住房:S 老旧小区改造:F",
        ("建设", "购房")),
    "公安局": (
        "户籍证明:S 临时户口:C 寄递物流安全:F 机动车临时号牌:L 电动自行车:C 民用无人机飞行:L "
        "大型群众性活动:L 二手车交易:F 开锁服务:F 典当业:L",
        ("户籍", "出行")),
    "人力资源和社会保障局": (
        "灵活就业人员社保:S 职业技能等级:C 创业担保贷款:S 高校毕业生就业补贴:S 技工学校:L "
        "职业培训机构:L 失业保险稳岗返还:S 工伤保险待遇:S 丧葬补助金:S",
        ("就业", "社保")),
    "卫生健康局": (
        "中医诊所:F 口腔诊所:L 职业健康检查机构:F 消毒产品生产企业:L 托育机构:F 医疗美容机构:L "
        "互联网医院:L 预防接种门诊:C 婚前医学检查机构:L",
        ("医疗", "生育")),
    "交通运输局": (
        "危险货物道路运输:L 驾驶员培训机构:F 道路客运班线:L 港口经营:L 国内水路运输:L "
        "小微型客车租赁:F 城市公交线路:L 货运站场:F 船员服务:F",
        ("出行", "经营")),
    "教育局": (
        "民办幼儿园:L 校车使用:L 学历证明书:S 学生资助:S 非学历文化教育培训:L 课后服务机构:F "
        "研学实践基地:C 特殊教育随班就读:S",
        ("入学",)),
    "民政局": (
        "慈善组织:C 殡葬服务机构:L 经营性公墓:L 最低生活保障:S 特困人员供养:S 临时救助:S "
        "家庭收养:C 孤儿基本生活费:S 居家养老服务补贴:S 高龄津贴:S",
        ("养老", "身后事", "婚姻")),
    "文化广电旅游体育局": (
        "游艺娱乐场所:L A级旅游景区:C 艺术品经营单位:F 剧本娱乐经营场所:F "
        "卫星电视广播地面接收设施:L 文物保护单位修缮:L 体育赛事活动:F 民宿:F",
        ("经营",)),
    "生态环境局": (
        "一般工业固体废物贮存:F 夜间建筑施工噪声:L 机动车排放检验机构:F 放射源转让:L "
        "医疗废物集中处置:L 餐饮油烟治理设施:F 入河排污口设置:L 建设项目竣工环保验收:F",
        ("建设", "经营")),
    "农业农村局": (
        "生猪定点屠宰:L 农业机械:C 拖拉机和联合收割机:C 水产苗种生产:L 肥料登记:C "
        "饲料生产企业:L 家庭农场名录:F 农村土地承包经营权:C",
        ("经营",)),
    "医疗保障局": (
        "生育保险待遇:S 医疗费用零星报销:S 长期护理保险待遇:S 定点医药机构:C 医疗救助:S "
        "职工医保个人账户家庭共济:S 灵活就业人员医保:S 大病保险待遇:S",
        ("就医", "社保")),
    "城市管理和综合执法局": (
        "临时摊点设置:L 生活垃圾经营性清扫收集运输:L 城市道路照明设施迁改:L 燃气管道迁改:L "
        "夜间施工:L 临时建筑:L 公共停车泊位:F",
        ("建设", "经营")),
    "税务局": (
        "出口退税:S 契税:S 房产税:S 印花税:S 社会保险费:S 车船税:S 跨区域涉税事项:F 税收优惠:F "
        "非居民企业合同:F",
        ("经营", "购房")),
    "退役军人事务局": (
        "退役士兵安置:S 烈士褒扬金:S 伤残抚恤:C 自主就业退役士兵一次性经济补助:S 光荣牌悬挂:S "
        "优抚对象医疗补助:S 退役军人创业贷款贴息:S",
        ("退役",)),
}
# category -> (action, item type, legal days, promised days, fee)
_ACTIONS: dict[str, tuple[tuple[str, str, int, int, int], ...]] = {
    "L": (("许可", "行政许可", 20, 10, 0), ("许可（新办）", "行政许可", 20, 10, 0),
          ("许可（变更）", "行政许可", 15, 5, 0), ("许可（延续）", "行政许可", 20, 10, 0),
          ("许可（注销）", "行政许可", 10, 3, 0), ("许可证补发", "行政许可", 10, 3, 10),
          ("审批", "行政许可", 20, 15, 0)),
    "F": (("备案", "行政备案", 5, 1, 0), ("备案变更", "行政备案", 5, 1, 0),
          ("备案注销", "行政备案", 5, 0, 0), ("登记", "行政确认", 15, 5, 0)),
    "S": (("申请", "公共服务", 20, 10, 0), ("申领", "公共服务", 15, 5, 0),
          ("办理", "公共服务", 10, 3, 0), ("信息查询", "公共服务", 0, 0, 0)),
    "C": (("认定", "行政确认", 30, 20, 0), ("确认", "行政确认", 20, 10, 0),
          ("登记", "行政确认", 15, 5, 0), ("证书补发", "行政确认", 10, 3, 10)),
}
# County-level halls publish their own guides, so titles carry the place ("" is city level).
_PLACES = ("",) * 6 + (
    "茂南区", "电白区", "高州市", "化州市", "信宜市", "茂名高新区", "滨海新区", "水东镇",
    "沙琅镇", "霞洞镇", "电城镇", "博贺镇", "树仔镇", "分界镇", "石鼓镇", "长坡镇", "根子镇",
    "曹江镇", "大井镇", "潭头镇", "橘州镇", "杨梅镇", "笪桥镇", "长岐镇", "同庆镇", "合江镇",
    "平塘镇", "镇隆镇", "池洞镇", "朱砂镇", "金垌镇", "公馆镇", "新坡镇", "镇盛镇", "金塘镇",
    "袂花镇", "鳌头镇", "羊角镇", "河西街道", "官渡街道", "茂南开发区", "金山街道", "高山镇",
    "鉴江镇", "东岸镇", "林尘镇", "电白街道", "南海街道", "旦场镇", "马踏镇", "麻岗镇",
    "坡心镇", "七迳镇", "观珠镇", "那霍镇", "望夫镇", "罗坑镇", "大坡镇", "荷塘镇", "石板镇",
    "新安镇", "宝圩镇", "平定镇", "丁堡镇", "北界镇", "贵子镇", "钱排镇", "怀乡镇", "洪冠镇",
    "思贺镇",
)
_CONDITIONS = (
    "申请人为依法设立的单位或具有完全民事行为能力的自然人",
    "具有与{o}相适应的场所、设施和设备",
    "有健全的{o}安全管理制度和应急处置措施",
    "配备与{o}规模相适应的专业技术人员",
    "近三年内未因{o}相关违法行为受到行政处罚",
    "符合本市{o}布局规划和行业标准",
)
_MATERIALS = (
    "{o}场所平面布局图|原|1|标明功能分区和主要设施位置",
    "{o}安全管理制度|原|1|加盖申请单位公章",
    "{o}专业技术人员资格证明|复|1|按规定人数提供",
    "{o}设施设备清单|原|1|",
    "{o}检测或评估报告|原|1|由具备资质的第三方机构出具",
    "@住所证明",
    "@委托书",
)


_DOMAIN_OBJECTS = {dept: tuple(tuple(w.split(":")) for w in words.split())
                   for dept, (words, _) in _DOMAINS.items()}


def _title_parts(rng: random.Random) -> tuple[str, str, str, tuple[str, str, int, int, int]]:
    department = rng.choice(tuple(_DOMAINS))
    obj, category = rng.choice(_DOMAIN_OBJECTS[department])
    return department, obj, rng.choice(_PLACES), rng.choice(_ACTIONS[category])


def synthetic_guides(count: int, seed: int) -> Iterator[Guide]:
    """Yield `count` varied guides with ids "S000001".., deterministic for a seed."""
    rng = random.Random(seed)
    seen: set[str] = set()
    for n in range(1, count + 1):
        for _ in range(30):  # prefer unseen titles; the vocabulary has about 45,000
            department, obj, place, action = _title_parts(rng)
            title = f"{place}{obj}{action[0]}"
            if title not in seen:
                break
        else:
            title = f"{title}（{n}）"
        seen.add(title)
        yield _guide(rng, f"S{n:06d}", title, department, obj, action)


def _guide(rng: random.Random, guide_id: str, title: str, department: str, obj: str,
           action: tuple[str, str, int, int, int]) -> Guide:
    name, item_type, legal_days, promised_days, fee_amount = action
    dept = DEPARTMENTS[department]
    life = _DOMAINS[department][1]
    applicant_doc = "@营业执照" if item_type in ("行政许可", "行政备案") else "@身份证"
    picked = rng.sample(_MATERIALS, rng.randint(2, 6))
    materials = tuple(parse_material(raw.format(o=obj)) for raw in
                      (f"{title}申请表|原|1|", applicant_doc, *picked))
    conditions = tuple(c.format(o=obj) for c in rng.sample(_CONDITIONS, rng.randint(2, 5)))
    extra = ("现场核查：对申请人的场所和设施进行现场核查",) if rng.random() < 0.3 else ()
    fee = fee_text(fee_amount, "元/证")
    span = dept.last_window - dept.first_window + 1
    online_url = f"{PORTAL}{dept.code}{guide_id}"
    faqs: list[Faq] = generated_faqs(title, dept, promised_days, legal_days, fee, materials,
                                     extra, online_url, rng.randrange(5))[: rng.randint(2, 3)]
    return Guide(
        id=guide_id,
        title=title,
        department=department,
        item_type=item_type,
        legal_basis=f"{dept.law}《广东省{obj}管理办法》",
        conditions=conditions,
        materials=materials,
        procedure=procedure(item_type, promised_days, legal_days, dept.channel, extra),
        legal_days=legal_days,
        promised_days=promised_days,
        fee=fee,
        window=f"{dept.zone} {dept.first_window + rng.randrange(span)} 号窗口",
        location=dept.location,
        office_hours=OFFICE_HOURS,
        phone=dept.phone,
        faqs=tuple(faqs),
        online_url=online_url,
        life_events=life,
        aliases=(f"办{obj}{name[:2]}", f"{obj}怎么办"),
        keywords=(obj, name, dept.short, item_type),
        version=1,
        updated_at=GUIDES_UPDATED_AT,
    )
