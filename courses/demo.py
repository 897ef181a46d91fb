"""The demo catalogue, written for this project: three partners and fourteen bilingual courses."""

from decimal import Decimal

PARTNERS = [
    {
        "slug": "zhixing-academy",
        "name_zh": "知行学堂",
        "name_en": "Zhixing Academy",
        "kind": "knowledge_platform",
        "website": "https://zhixing.example.com",
        "description_zh": "面向职场人的知识付费平台，课程覆盖数据、写作与商业思维。",
        "description_en": "A paid-knowledge platform for working adults: data, writing and business thinking.",
    },
    {
        "slug": "qingyu-art-school",
        "name_zh": "青羽艺术培训",
        "name_en": "Qingyu Art School",
        "kind": "art_institution",
        "website": "https://qingyu-art.example.com",
        "description_zh": "十五年历史的艺术培训机构，专注绘画、音乐与舞台表演。",
        "description_en": "An art-training school of fifteen years: painting, music and stage performance.",
    },
    {
        "slug": "moli-design",
        "name_zh": "墨里设计",
        "name_en": "Moli Design",
        "kind": "brand",
        "website": "https://moli.example.com",
        "description_zh": "独立设计品牌，与平台联合出品设计与创意课程。",
        "description_en": "An independent design brand co-producing design and creative courses.",
    },
]

# (slug, track, level, language, price, partner slugs, title zh, title en, description zh, description en, lessons)
# Each lesson is (title zh, title en); the first lesson of every course is a free preview.
COURSES = [
    ("data-analysis-python", "knowledge", "beginner", "zh", Decimal("199.00"), ["zhixing-academy"],
     "Python 数据分析入门", "Data Analysis with Python",
     "用 Python 和 pandas 清洗、汇总与可视化数据，掌握数据分析的基本流程与统计思维。",
     "Clean, summarise and visualise data with Python and pandas; learn the workflow and statistical thinking of data analysis.",  # noqa: E501
     [("认识数据表", "Meet the data frame"), ("分组与汇总", "Grouping and aggregation"), ("画出你的第一张图", "Your first chart")]),  # noqa: E501
    ("business-writing", "knowledge", "beginner", "zh", Decimal("99.00"), ["zhixing-academy"],
     "职场写作课", "Business Writing That Works",
     "从邮件到报告，学会结构化表达、金字塔原理和清晰的商务写作。",
     "From e-mails to reports: structured expression, the pyramid principle and clear business writing.",
     [("先说结论", "Lead with the answer"), ("金字塔结构", "The pyramid structure"), ("改写练习", "Rewriting drills")]),
    ("product-management-101", "knowledge", "intermediate", "zh", Decimal("299.00"), ["zhixing-academy"],
     "产品经理实战", "Product Management in Practice",
     "需求分析、用户研究、原型设计与项目管理，完整走一遍产品从想法到上线的过程。",
     "Requirements analysis, user research, prototyping and project management: take a product from idea to launch.",
     [("发现真实需求", "Finding real needs"), ("用户访谈", "User interviews"), ("路线图与优先级", "Roadmaps and priorities")]),  # noqa: E501
    ("machine-learning-basics", "knowledge", "intermediate", "bilingual", Decimal("399.00"), ["zhixing-academy"],
     "机器学习基础", "Machine Learning Foundations",
     "线性回归、分类、过拟合与交叉验证：用直观的例子理解机器学习的核心概念。",
     "Linear regression, classification, overfitting and cross-validation, explained through intuitive examples.",
     [("什么是模型", "What is a model"), ("训练与验证", "Training and validation"), ("特征工程", "Feature engineering")]),  # noqa: E501
    ("critical-thinking", "knowledge", "beginner", "zh", Decimal("0.00"), ["zhixing-academy"],
     "批判性思维公开课", "Critical Thinking (Open Course)",
     "识别逻辑谬误、评估论证与证据，免费向所有学员开放。",
     "Spot logical fallacies and weigh arguments and evidence; free and open to every learner.",
     [("论证的结构", "The anatomy of an argument"), ("常见谬误", "Common fallacies"), ("证据的强弱", "Strong and weak evidence")]),  # noqa: E501
    ("watercolor-landscapes", "art", "beginner", "zh", Decimal("259.00"), ["qingyu-art-school"],
     "水彩风景画", "Watercolor Landscapes",
     "从湿画法、干画法到色彩调和，一步步画出有光影层次的水彩风景。",
     "Wet-on-wet, dry brush and colour mixing: paint watercolour landscapes with light and depth, step by step.",
     [("工具与纸张", "Tools and paper"), ("湿画法天空", "Wet-on-wet skies"), ("远山与倒影", "Mountains and reflections")]),  # noqa: E501
    ("sketching-fundamentals", "art", "beginner", "zh", Decimal("159.00"), ["qingyu-art-school"],
     "素描基础", "Sketching Fundamentals",
     "透视、结构与明暗，建立扎实的造型能力，为一切绘画打下基础。",
     "Perspective, structure and shading: the solid drawing skills every kind of painting builds on.",
     [("线条练习", "Line drills"), ("一点透视", "One-point perspective"), ("明暗五调子", "The five values of light")]),
    ("piano-for-adults", "art", "beginner", "zh", Decimal("329.00"), ["qingyu-art-school"],
     "成人钢琴零基础", "Piano for Adult Beginners",
     "识谱、指法与和弦伴奏，三个月弹出你喜欢的流行歌曲。",
     "Reading music, fingering and chord accompaniment: play the pop songs you love within three months.",
     [("认识键盘", "Meet the keyboard"), ("五线谱", "Reading the staff"), ("和弦伴奏", "Accompanying with chords")]),
    ("vocal-performance", "art", "intermediate", "zh", Decimal("289.00"), ["qingyu-art-school"],
     "声乐与舞台表演", "Vocal and Stage Performance",
     "科学发声、气息控制与舞台表现力训练，站上舞台不再紧张。",
     "Healthy voice production, breath control and stage presence: walk on stage without the nerves.",
     [("呼吸与支撑", "Breath and support"), ("共鸣", "Resonance"), ("舞台表现", "Owning the stage")]),
    ("chinese-ink-painting", "art", "advanced", "zh", Decimal("459.00"), ["qingyu-art-school"],
     "中国水墨画进阶", "Chinese Ink Painting, Advanced",
     "笔墨技法、构图意境与花鸟山水创作，体会东方绘画的留白之美。",
     "Brush and ink technique, composition and mood in bird-and-flower and landscape painting.",
     [("笔法十种", "Ten brush techniques"), ("墨分五色", "Five tones of ink"), ("留白与构图", "Empty space and composition")]),  # noqa: E501
    ("design-thinking-art", "crossover", "beginner", "bilingual", Decimal("349.00"), ["zhixing-academy", "moli-design"],
     "设计思维与视觉表达", "Design Thinking and Visual Expression",
     "用设计思维拆解问题，再用色彩、排版与构图把想法表达出来。",
     "Break problems down with design thinking, then express the ideas through colour, typography and composition.",
     [("同理心地图", "Empathy maps"), ("色彩心理", "The psychology of colour"), ("版式与层级", "Layout and hierarchy")]),  # noqa: E501
    ("music-production-data", "crossover", "intermediate", "bilingual", Decimal("399.00"),
     ["zhixing-academy", "qingyu-art-school"],
     "数据驱动的音乐制作", "Data-Driven Music Production",
     "编曲、混音与音频分析结合：用频谱与数据理解好听的声音从何而来。",
     "Arranging and mixing meet audio analysis: use spectra and data to understand what makes a sound good.",
     [("频谱是什么", "What a spectrum shows"), ("编曲结构", "Song structure"), ("混音中的数据", "Data in the mix")]),
    ("brand-illustration", "crossover", "intermediate", "zh", Decimal("369.00"), ["moli-design", "qingyu-art-school"],
     "品牌插画与商业创作", "Brand Illustration for Business",
     "从品牌定位出发设计插画风格，学习商业插画的提案、定价与交付。",
     "Design an illustration style from a brand's positioning; learn pitching, pricing and delivering commercial work.",
     [("品牌调性", "Brand tone"), ("风格探索", "Finding a style"), ("商业提案", "Pitching to clients")]),
    ("creative-storytelling", "crossover", "beginner", "bilingual", Decimal("0.00"),
     ["zhixing-academy", "qingyu-art-school", "moli-design"],
     "创意叙事工作坊", "Creative Storytelling Workshop",
     "知识与艺术的联名公开课：用故事结构组织演讲、绘本与短片。",
     "A joint open course of knowledge and art: use story structure for talks, picture books and short films.",
     [("故事的三幕", "Three acts"), ("人物与冲突", "Character and conflict"), ("讲给别人听", "Telling it")]),
]  # fmt: skip


# The skills the demo catalogue's texts name, as its managers would have put them in the skill
# lexicon (`seed_demo_ml` adds them to the shipped corpus's): the tagger judges named terms, and
# its demo model is too small to draw good spans of its own in these sentences.
SKILLS = {
    "KNOWLEDGE": [
        "pandas", "统计思维", "statistical thinking", "结构化表达", "structured expression", "金字塔原理",
        "pyramid principle", "商务写作", "需求分析", "requirements analysis", "原型设计", "prototyping",
        "user research", "线性回归", "linear regression", "交叉验证", "cross-validation", "批判性思维",
        "critical thinking", "逻辑谬误", "logical fallacies", "设计思维", "design thinking", "音频分析",
        "audio analysis", "故事结构", "story structure", "演讲",
    ],
    "ART": [
        "湿画法", "干画法", "wet-on-wet", "dry brush", "色彩调和", "colour mixing", "透视", "perspective", "明暗",
        "shading", "识谱", "reading music", "指法", "fingering", "和弦伴奏", "chord accompaniment", "科学发声",
        "气息控制", "breath control", "stage presence", "笔墨技法", "brush and ink", "水墨画", "ink painting",
        "构图", "composition", "排版", "typography", "编曲", "arranging", "混音", "mixing", "商业插画", "绘本",
        "picture books", "短片", "short films",
    ],
}  # fmt: skip


def lesson_body(course_title: str, lesson_title: str, position: int, english: bool) -> str:
    if english:
        return (
            f"Lesson {position} of “{course_title}”: {lesson_title}.\n\n"
            "Watch the demonstration, then repeat the exercise on your own and share your result with your class."
        )
    return f"《{course_title}》第 {position} 课：{lesson_title}。\n\n先观看示范，再独立完成练习，并把作品分享给同学。"
