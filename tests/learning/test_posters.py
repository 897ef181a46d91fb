"""Share posters of works in the gallery: who may make and fetch them, what their QR code holds,
that they are drawn once, and that the code's link is the campaign's user-referral channel all the
way to a credited order."""

import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from courses.models import Enrollment
from learning import assignments, posters
from learning.models import Poster, Submission
from marketing import selectors as marketing_selectors
from marketing.models import Channel, LearnerAttribution, OrderAttribution, TrackedLink, Visit
from tests.factories import (
    CampaignFactory,
    CourseFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    assign_to_partner_courses,
)
from tests.learning import artwork_helpers as art
from tests.marketing.test_attribution import BROWSER, buy, sign_up

pytestmark = pytest.mark.django_db
RUBRIC = [{"name_zh": "构图", "name_en": "Composition", "max_points": 10}]


def logo_png(colour: tuple[int, int, int]) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 90), (*colour, 255)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


def decode_qr(content: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))
    texts = [result.text for result in results if result.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(texts) == 1, texts
    return texts[0]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def course(db):
    partner = PartnerFactory(slug="ink", name_zh="墨韵学堂", name_en="Ink Academy")
    return CourseFactory(
        slug="bamboo", title_zh="墨竹入门", title_en="Painting bamboo", partners=[partner], track="art"
    )


@pytest.fixture
def campaign(course):
    campaign = CampaignFactory(slug="spring", name_zh="春日联名", name_en="Spring together")
    campaign.art_courses.add(course)
    for number, share in enumerate(campaign.partner_shares.select_related("partner")):
        share.partner.logo.save(f"logo-{number}.png", logo_png((40 * number, 90, 160)))
    return campaign


@pytest.fixture
def painter(course):
    user = UserFactory(username="painter", first_name="小", last_name="竹")
    Enrollment.objects.create(learner=user, course=course)
    return user


@pytest.fixture
def work(course, painter):
    lesson = course.lessons.get(position=2)
    assignment = assignments.assignment_save(lesson=lesson, brief_zh="画竹子", rubric=RUBRIC)
    submission = assignments.submission_create(
        learner=painter, assignment=assignment, images=[art.jpeg(size=(900, 600))]
    )
    seat = MembershipFactory(partner=course.partners.get(), role="instructor", user=UserFactory())
    teacher = assign_to_partner_courses(seat).user
    assignments.submission_review(reviewer=teacher, submission=submission, decision="passed", grades=[9])
    return assignments.submission_publish(learner=painter, submission=submission)


def make(client, work, **data) -> Poster:
    response = client.post(reverse("learning:poster", args=[work.pk]), {"size": "phone", **data})
    assert response.status_code == 302, response.content.decode()[:400]
    return Poster.objects.get(pk=int(response["Location"].split("poster=")[1].split("#")[0]))


def test_the_posters_code_is_the_learners_referral_link_in_both_sizes(client, campaign, painter, work):
    client.force_login(painter)
    for size, expected in (("phone", (1080, 1920)), ("moments", (1080, 1440))):
        poster = make(client, work, size=size)
        content = body(client.get(reverse("learning:poster-file", args=[poster.pk])))
        assert Image.open(io.BytesIO(content)).size == expected
        link = TrackedLink.objects.get(referrer=painter)
        assert link.channel.kind == Channel.Kind.USER_REFERRAL and link.channel.campaign == campaign
        assert decode_qr(content) == f"http://testserver/r/{link.code}/"
        assert poster.referral


def test_the_same_options_and_language_are_drawn_once(client, campaign, painter, work, django_assert_max_num_queries):
    client.force_login(painter)
    first = make(client, work)
    # The second time: session, user, the work, its image, the campaign and its partners, the
    # referral channel and link, and the stored poster; nothing drawn, nothing written.
    with django_assert_max_num_queries(11):
        again = make(client, work)
    assert again == first and Poster.objects.count() == 1
    english = make(client, work, show_name="on", display_name="Xiao Zhu")
    assert english != first and english.display_name == "Xiao Zhu"
    client.cookies["django_language"] = "en"
    assert make(client, work).language == "en"
    assert Poster.objects.count() == 3


def test_the_name_is_shown_only_when_the_learner_ticks_it(client, campaign, painter, work):
    client.force_login(painter)
    assert make(client, work, display_name="Xiao Zhu").display_name == ""
    assert make(client, work, show_name="on", display_name="Xiao Zhu").display_name == "Xiao Zhu"


def test_without_a_running_campaign_the_code_leads_to_the_course_page(client, course, painter, work):
    client.force_login(painter)
    page = client.get(reverse("learning:poster", args=[work.pk])).content.decode()
    assert 'data-testid="poster-no-campaign"' in page
    poster = make(client, work)
    assert not poster.referral
    assert decode_qr(body(client.get(reverse("learning:poster-file", args=[poster.pk])))) == (
        f"http://testserver{course.get_absolute_url()}"
    )
    assert not TrackedLink.objects.filter(referrer=painter).exists()


def test_another_learner_and_anonymous_visitors_get_no_poster(client, campaign, painter, work, other_learner):
    client.force_login(painter)
    poster = make(client, work)
    page_url, file_url = reverse("learning:poster", args=[work.pk]), reverse("learning:poster-file", args=[poster.pk])

    client.force_login(other_learner)
    assert client.get(page_url).status_code == 404
    assert client.post(page_url, {"size": "phone"}).status_code == 404
    assert client.get(file_url).status_code == 404
    assert client.get(f"{reverse('learning:poster', args=[work.pk])}?poster={poster.pk}").status_code == 404

    anonymous = Client()
    assert anonymous.get(page_url)["Location"].startswith(reverse("login"))
    assert anonymous.get(file_url).status_code == 404
    assert Poster.objects.count() == 1


def test_a_work_taken_out_of_the_gallery_has_no_poster(
    client, campaign, painter, work, django_capture_on_commit_callbacks
):
    client.force_login(painter)
    poster = make(client, work)
    storage, name = poster.file.storage, str(poster.file.name)
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assignments.submission_unpublish(learner=painter, submission=work)
    assert not Poster.objects.filter(pk=poster.pk).exists()
    assert not storage.exists(name)
    assert client.get(reverse("learning:poster-file", args=[poster.pk])).status_code == 404
    assert client.get(reverse("learning:poster", args=[work.pk])).status_code == 404
    assert client.post(reverse("learning:poster", args=[work.pk]), {"size": "phone"}).status_code == 404


def test_a_passed_work_not_in_the_gallery_and_a_waiting_one_have_no_poster(client, course, painter, work):
    assignments.submission_unpublish(learner=painter, submission=work)
    waiting = Submission.objects.create(assignment=work.assignment, learner=UserFactory(), attempt=1)
    client.force_login(painter)
    assert client.get(reverse("learning:poster", args=[work.pk])).status_code == 404
    with pytest.raises(posters.PosterUnavailable):
        posters.poster_make(learner=waiting.learner, submission_id=waiting.pk, size="phone", language="zh-hans",
                            base_url="http://testserver/")  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"size": "billboard"}, "size"),
        ({"size": ""}, "size"),
        ({"show_name": "on", "display_name": ""}, "display_name"),
        ({"show_name": "on", "display_name": "名" * 25}, "display_name"),
        ({"show_name": "on", "display_name": "bad\x00name"}, "display_name"),
    ],
)
def test_bad_options_are_refused_at_their_field(client, campaign, painter, work, data, field):
    client.force_login(painter)
    response = client.post(reverse("learning:poster", args=[work.pk]), {"size": "phone", **data})
    assert response.status_code == 400
    assert f'data-testid="{field}-error"' in response.content.decode()
    assert not Poster.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "0"])
def test_a_bad_poster_parameter_shows_the_page_without_a_poster(client, campaign, painter, work, value):
    client.force_login(painter)
    response = client.get(f"{reverse('learning:poster', args=[work.pk])}?poster={value}")
    assert response.status_code == 200 and 'data-testid="poster"' not in response.content.decode()


def test_page_and_file_query_counts(client, campaign, painter, work, django_assert_max_num_queries):
    client.force_login(painter)
    poster = make(client, work)
    # session, user, the work, the campaign and its partners, the poster shown.
    with django_assert_max_num_queries(6):
        page = client.get(f"{reverse('learning:poster', args=[work.pk])}?poster={poster.pk}")
    assert page.status_code == 200 and 'data-testid="poster-download"' in page.content.decode()
    with django_assert_max_num_queries(3):  # session, user, the poster
        response = client.get(reverse("learning:poster-file", args=[poster.pk]) + "?download=1")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/jpeg"
    body(response)


def test_the_assignment_page_offers_the_poster_for_a_work_in_the_gallery(client, painter, work):
    client.force_login(painter)
    page = client.get(reverse("learning:assignment", args=[work.assignment.lesson_id])).content.decode()
    assert reverse("learning:poster", args=[work.pk]) in page


def test_the_posters_link_counts_a_visit_a_sign_up_and_an_order_on_the_user_referral_channel(
    client, campaign, painter, work
):
    client.force_login(painter)
    poster = make(client, work)
    url = decode_qr(body(client.get(reverse("learning:poster-file", args=[poster.pk]))))
    channel = Channel.objects.get(campaign=campaign, kind=Channel.Kind.USER_REFERRAL)

    friend = Client(HTTP_USER_AGENT=BROWSER)
    assert friend.get(urlsplit(url).path).status_code == 302
    assert Visit.objects.filter(channel=channel).count() == 1
    newcomer = sign_up(friend, "friend")
    friend.get("/")  # the first signed-in request records where the learner came from
    order = buy(friend, campaign.knowledge_courses.get())
    order.status = "paid"
    order.save(update_fields=["status"])

    assert LearnerAttribution.objects.get(learner=newcomer).first_channel == channel
    credit = OrderAttribution.objects.get(order=order)
    assert (credit.last_channel, credit.referrer) == (channel, painter)
    row = next(
        r
        for r in marketing_selectors.campaign_stats(campaign_ids=[campaign.pk])[campaign.pk]["channels"]
        if r["channel"] == channel.pk
    )
    assert (row["reach"], row["signups"], row["orders"]) == (1, 1, 1)
