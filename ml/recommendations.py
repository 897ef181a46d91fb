"""Course recommendations read from stored embeddings: "similar courses" and "pair it with" (the
best of the other track). Reads only (selectors of recommendations); numpy, no torch.

The published courses' vectors are held in each web process as one matrix, keyed by the catalogue
version (any course write or newly stored vector moves it), so that a course page costs the same
few queries whatever the catalogue's size: the course, the learner's enrollments and the
recommended courses; loading the matrix adds one query once per version and process.

"Learners who bought this also bought" reads co-purchase rules (pairs of courses paid for by at
least RECOMMEND_MIN_SUPPORT distinct learners, ranked by lift) computed in one aggregate query over
all paid orders and kept in the shared cache per catalogue version; orders do not move that
version, so the entry also expires after courses.cache.TIMEOUT and new orders count within it."""

import threading
import uuid
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from courses import selectors as course_selectors
from courses.cache import TIMEOUT, catalogue_version
from courses.models import Course, Enrollment
from learning.selectors import completed_shares
from ml import selectors
from ml.models import CourseEmbedding
from ml.ranking import Vectors
from surveys.selectors import learner_wants

RECOMMENDATIONS = 4  # cards per row on the course page
SHOWN_SKILLS = 3  # skills a reason names: one line
OTHER_TRACK = {Course.Track.KNOWLEDGE: Course.Track.ART, Course.Track.ART: Course.Track.KNOWLEDGE}


@dataclass(frozen=True)
class Index:
    ids: np.ndarray  # course ids, one per row of vectors
    tracks: np.ndarray
    vectors: Vectors
    row_of: dict[int, int]


@dataclass(frozen=True)
class Recommendation:
    course: Course
    score: float
    reason: str


INDEX_TOKEN_KEY = "ml:recommendations:index-token"
CO_PURCHASE_KEY = "ml:recommendations:co-purchase:{version}:{token}:{support}"
_indexes: dict[tuple[str, int, str], Index] = {}
_lock = threading.Lock()


def _index(model_name: str) -> Index:
    # The token tells a flushed cache (whose version starts again at 1) from the one the held
    # index was read under.
    key = (model_name, catalogue_version(), _token())
    with _lock:
        if key not in _indexes:
            rows = list(
                CourseEmbedding.objects.filter(model_name=model_name, course__status=Course.Status.PUBLISHED)
                .order_by("course_id")
                .values_list("course_id", "course__track", "vector")
            )
            vectors = np.array([np.frombuffer(bytes(v), dtype="<f4") for _, _, v in rows], dtype=np.float32)
            if not rows:
                vectors = np.zeros((0, 0), dtype=np.float32)
            _indexes.clear()  # one version held: older ones are never read again
            _indexes[key] = Index(
                ids=np.array([r[0] for r in rows], dtype=np.int64),
                tracks=np.array([r[1] for r in rows]),
                vectors=vectors,
                row_of={course_id: row for row, (course_id, _, _) in enumerate(rows)},
            )
        return _indexes[key]


def published_index() -> Index:
    """The published courses' vectors of the configured encoder (held per catalogue version):
    what other apps (marketing's pairing suggestions) compare courses by."""
    return _index(settings.ML_EMBEDDING_MODEL)


def _token() -> str:
    return str(cache.get_or_set(INDEX_TOKEN_KEY, lambda: uuid.uuid4().hex, timeout=None))


def _owned(user_id: int | None) -> set[int]:
    if user_id is None:
        return set()
    return set(Enrollment.objects.active().filter(learner_id=user_id).values_list("course_id", flat=True))


def bought_together_rules() -> dict[int, list[tuple[int, float]]]:
    """Per course, the courses bought with it (id, lift), highest lift first (then more learners,
    then the lower id): one query per catalogue version, shared by every process."""
    support = int(settings.RECOMMEND_MIN_SUPPORT)
    key = CO_PURCHASE_KEY.format(version=catalogue_version(), token=_token(), support=support)
    rules = cache.get(key)
    if rules is None:
        ranked: dict[int, list[tuple[float, int, int]]] = {}
        for pair in course_selectors.co_purchases(min_support=support):
            ranked.setdefault(pair.first, []).append((pair.lift, pair.together, pair.second))
            ranked.setdefault(pair.second, []).append((pair.lift, pair.together, pair.first))
        rules = {
            course_id: [(other, lift) for lift, _together, other in sorted(rows, key=lambda r: (-r[0], -r[1], r[2]))]
            for course_id, rows in ranked.items()
        }
        cache.set(key, rules, timeout=TIMEOUT)
    return rules


def course_recommendations(*, course: Course, user_id: int | None) -> dict[str, list[Recommendation]]:
    """Return up to RECOMMENDATIONS "similar" courses, "pair_with" courses of the other track and
    "bought_together" courses for `course`, best first, never the course itself nor one the learner
    is enrolled in."""
    index = _index(settings.ML_EMBEDDING_MODEL)
    found: dict[str, list[Recommendation]] = {"similar": [], "pair_with": [], "bought_together": []}
    rules = bought_together_rules().get(course.pk, [])
    row = index.row_of.get(course.pk)
    if row is None and not rules:
        return found  # not embedded yet (the task that embeds it moves the catalogue version), never bought
    excluded = {course.pk, *_owned(user_id)}
    # More than shown: some may be unpublished since, and are dropped below.
    together = [(other, lift) for other, lift in rules if other not in excluded][: RECOMMENDATIONS * 2]
    picks: dict[str, list[int]] = {"similar": [], "pair_with": []}
    scores = np.zeros(0, dtype=np.float32)
    if row is not None:
        scores = index.vectors @ index.vectors[row]
        allowed = ~np.isin(index.ids, list(excluded))
        other = OTHER_TRACK.get(Course.Track(course.track))
        picks["similar"] = _best(scores, allowed)
        picks["pair_with"] = _best(scores, allowed & (index.tracks == other)) if other else []
    wanted = {int(index.ids[r]) for rows in picks.values() for r in rows} | {other for other, _lift in together}
    if not wanted:
        return found
    courses = Course.objects.published().in_bulk(wanted)
    skills = _skills([course.pk, *wanted]) if row is not None else {}
    own = skills.get(course.pk, {})
    for name, rows in picks.items():
        for r in rows:
            if (candidate := courses.get(int(index.ids[r]))) is not None:
                shared = [text for key, text in own.items() if key in skills.get(candidate.pk, {})]
                reason = _reason(name, candidate, shared)
                found[name].append(Recommendation(candidate, float(scores[r]), reason))
    for other_id, lift in together:
        if (candidate := courses.get(other_id)) is not None and len(found["bought_together"]) < RECOMMENDATIONS:
            found["bought_together"].append(Recommendation(candidate, lift, _("Often bought together")))
    return found


# How much each signal moves a candidate's closeness (cosine, in [-1, 1]) to the learner's profile.
# A course of the track the learner said they want, in a survey: about the gap between a course of
# the same field and one of a neighbouring field, so that the want decides between them.
WANT_BOOST = 0.3
SKILL_BOOST = 0.2  # times the share of the candidate's skills the learner's courses already teach
CANDIDATES = RECOMMENDATIONS * 4  # nearest courses re-ranked by the signals above


def learner_recommendations(*, user_id: int) -> list[Recommendation]:
    """Return up to RECOMMENDATIONS published courses "for you", never one the learner owns, each
    with why: those nearest their courses' vectors (each weighted by how far they got in it: a
    course they study counts more than one they bought and left), moved up when of a track their
    survey answers want and when they build on skills their courses teach; while they own none
    (or none is embedded yet), the most popular (of the track they want first), then the newest.
    A fixed number of queries (7, and the index once per catalogue version)."""
    owned = _owned(user_id)
    wants_k, wants_a = learner_wants(learner_ids=[user_id]).get(user_id, (False, False))
    wanted: dict[str, bool] = {Course.Track.KNOWLEDGE.value: wants_k, Course.Track.ART.value: wants_a}
    index = _index(settings.ML_EMBEDDING_MODEL)
    rows = [(course_id, index.row_of[course_id]) for course_id in owned if course_id in index.row_of]
    if not rows:
        return _popular(owned, wanted)
    done = completed_shares(learner_id=user_id, course_ids=[course_id for course_id, _ in rows])
    weights = np.array([1 + done.get(course_id, 0.0) for course_id, _ in rows], dtype=np.float32)
    profile = (index.vectors[[row for _, row in rows]] * weights[:, None]).sum(axis=0) / weights.sum()
    scores = index.vectors @ profile
    scores = scores + WANT_BOOST * np.array([wanted.get(t, False) for t in index.tracks], dtype=np.float32)
    allowed = ~np.isin(index.ids, list(owned))
    candidates = [int(index.ids[r]) for r in _best(scores, allowed, CANDIDATES)]
    skills = _skills_merged([*owned, *candidates])
    learned: dict[str, str] = {}
    for course_id in owned:
        learned.update(skills.get(course_id, {}))
    ranked = []
    for course_id in candidates:
        theirs = skills.get(course_id, {})
        known = [text for key, text in theirs.items() if key in learned]
        share = len(known) / len(theirs) if theirs else 0.0
        ranked.append((float(scores[index.row_of[course_id]]) + SKILL_BOOST * share, course_id, known))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    courses = Course.objects.published().in_bulk([course_id for _, course_id, _ in ranked[: RECOMMENDATIONS * 2]])
    found: list[Recommendation] = []
    for score, course_id, known in ranked:
        if (course := courses.get(course_id)) is not None and len(found) < RECOMMENDATIONS:
            found.append(Recommendation(course, score, _personal_reason(course, known, wanted)))
    return found


def _popular(owned: set[int], wanted: dict[str, bool]) -> list[Recommendation]:
    # A learner who wants one side only sees that side's popular courses first.
    first = [track for track, wants in wanted.items() if wants] if sum(wanted.values()) == 1 else []
    popular = (
        Course.objects.published()
        .exclude(pk__in=owned)
        .annotate(
            learners=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE)),
            wanted=Count("pk", filter=Q(track__in=first)),
        )
        .order_by("-wanted", "-learners", "-published_at", "-pk")[:RECOMMENDATIONS]
    )
    found: list[Recommendation] = []
    for course in popular:
        if course.wanted:
            reason = _personal_reason(course, [], wanted)
        else:
            reason = _("Popular with learners") if course.learners else _("New in the catalogue")
        found.append(Recommendation(course, float(course.learners), reason))
    return found


def _personal_reason(course: Course, known: list[str], wanted: dict[str, bool]) -> str:
    if known:
        return _("Builds on %(skills)s from your courses") % {"skills": _(", ").join(known[:SHOWN_SKILLS])}
    if wanted.get(course.track) and course.track == Course.Track.ART:
        return _("You said you want art training")
    if wanted.get(course.track) and course.track == Course.Track.KNOWLEDGE:
        return _("You said you want knowledge content")
    return _("Close to the courses you are taking")


def _skills_merged(course_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per course, its shown skills with aliases merged through the lexicon (key -> shown name): two queries."""
    return {pk: profile.shown for pk, profile in selectors.skill_profiles(course_ids=course_ids).items()}


def _skills(course_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per course, its shown skills (lower-cased -> as written, most confident first): one query."""
    found: dict[int, dict[str, str]] = {}
    for course_id, text in (
        selectors.active_skills()
        .filter(course_id__in=course_ids)
        .order_by("course_id", "-confidence", "start")
        .values_list("course_id", "text")
    ):
        found.setdefault(course_id, {}).setdefault(text.strip().lower(), text.strip())
    return found


def _best(scores: np.ndarray, allowed: np.ndarray, count: int = RECOMMENDATIONS) -> list[int]:
    """Rows of the `count` best allowed scores, best first (ties to the lower row)."""
    masked = np.where(allowed, scores, -np.inf)
    k = min(count, int(allowed.sum()))
    if k == 0:
        return []
    best = np.argpartition(-masked, k - 1)[:k]
    best.sort()
    return [int(r) for r in best[np.argsort(-masked[best], kind="stable")]]


def _reason(name: str, candidate: Course, shared: list[str]) -> str:
    if shared:
        return _("Shares %(skills)s") % {"skills": _(", ").join(shared[:SHOWN_SKILLS])}
    if name == "similar":
        return _("Close in content to this course")
    if candidate.track == Course.Track.ART:
        return _("An art course to go with this knowledge course")
    return _("A knowledge course to go with this art course")
