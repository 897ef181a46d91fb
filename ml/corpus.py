"""The small bilingual training corpus this project ships, written here (no outside data).

Course-description sentences in Chinese and English, built from templates and skill names with
known character spans, so that the demo fine-tunes offline and tests train on something real.
Deterministic: the same seed gives the same corpus.
"""

import random

from ml.spans import Example, Span

KNOWLEDGE_SKILLS = [
    "Python", "data analysis", "machine learning", "SQL", "Excel", "statistics", "product management",
    "business writing", "project management", "financial modeling", "web development", "deep learning",
    "数据分析", "机器学习", "统计学", "产品管理", "商业写作", "项目管理", "财务建模", "编程", "用户研究", "市场营销",
]  # fmt: skip
ART_SKILLS = [
    "watercolor", "sketching", "oil painting", "piano", "singing", "graphic design", "calligraphy", "photography",
    "music production", "illustration", "stage performance", "interior design",
    "水彩", "素描", "油画", "钢琴", "声乐", "平面设计", "书法", "摄影", "插画", "舞台表演", "作曲",
]  # fmt: skip
TEMPLATES = [
    "Learn {a} and {b} through hands-on projects.",
    "This course covers {a}, with a module on {b}.",
    "Build real skills in {a}; no prior {b} needed.",
    "Weekly exercises in {a} and {b} for beginners.",
    "An advanced workshop on {a} taught by practitioners.",
    "From zero to portfolio: {a} for working adults.",
    "本课程带你掌握{a}与{b}，适合零基础学员。",
    "通过实战项目学习{a}，并了解{b}的基本方法。",
    "{a}进阶课：每周练习，老师逐一点评。",
    "零基础也能学会{a}，课程还包含{b}入门。",
    "跟随名师系统学习{a}。",
    "Course in {a} | 课程：{b}",
]


def _fill(template: str, a: tuple[str, str], b: tuple[str, str]) -> Example:
    text, spans = "", []
    rest = template
    while rest:
        index = min((rest.find(key) for key in ("{a}", "{b}") if key in rest), default=-1)
        if index < 0:
            text += rest
            break
        text += rest[:index]
        skill, kind = a if rest[index : index + 3] == "{a}" else b
        spans.append(Span(len(text), len(text) + len(skill), kind))
        text += skill
        rest = rest[index + 3 :]
    return Example(text=text, spans=tuple(spans))


def build(size: int = 480, seed: int = 7) -> list[Example]:
    rng = random.Random(seed)
    skills = [(s, "KNOWLEDGE") for s in KNOWLEDGE_SKILLS] + [(s, "ART") for s in ART_SKILLS]
    examples = []
    for _ in range(size):
        a, b = rng.sample(skills, 2)
        examples.append(_fill(rng.choice(TEMPLATES), a, b))
    return examples


def split(examples: list[Example], dev_share: float = 0.2, seed: int = 7) -> tuple[list[Example], list[Example]]:
    """Shuffle and cut into training and dev examples. Examples that share a first line (a course
    text and the copy of its title alone, or two copies of one course) fall on one side, so that
    the dev score is never measured on a text the model was trained on."""
    groups: dict[object, list[Example]] = {}
    for index, example in enumerate(examples):
        first_line = example.text.split("\n", 1)[0].strip()
        groups.setdefault(first_line or index, []).append(example)  # no title: a group of its own
    keys = list(groups)
    random.Random(seed).shuffle(keys)
    cut = int(len(keys) * (1 - dev_share))
    return [e for key in keys[:cut] for e in groups[key]], [e for key in keys[cut:] for e in groups[key]]
