"""Learners are invited to the open campaign surveys they have not answered: in "my learning" and
on the page of a course they bought (where the payment lands them)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, Order
from surveys import selectors
from surveys.models import Response
from tests.factories import CampaignFactory, CourseFactory, OrderFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def answered(survey, learner) -> None:
    Response.objects.create(
        survey=survey, respondent=learner, respondent_scope=f"user:{learner.pk}", idempotency_key="k"
    )


def test_only_open_unanswered_campaign_demand_surveys_are_invited_to(learner, other_learner):
    campaign = CampaignFactory()
    open_one = SurveyFactory(campaign=campaign)
    answered(SurveyFactory(campaign=campaign), learner)
    answered(open_one, other_learner)  # someone else's answer does not count as the learner's
    SurveyFactory(
        campaign=campaign, closes_at=timezone.now() - timedelta(hours=1), opens_at=timezone.now() - timedelta(days=2)
    )
    SurveyFactory(
        campaign=campaign, opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=2)
    )
    SurveyFactory(campaign=campaign, purpose="feedback")
    SurveyFactory(campaign=None)  # a survey of no campaign: not a campaign's demand survey
    assert selectors.survey_invitations(learner=learner) == [open_one]


def test_after_a_purchase_the_course_page_invites_to_its_campaigns_survey_only(client, learner):
    campaign = CampaignFactory()
    survey = SurveyFactory(campaign=campaign)
    other = SurveyFactory(campaign=CampaignFactory())
    course = campaign.art_courses.get()
    order = OrderFactory(learner=learner, course=course, status=Order.Status.PAID)
    Enrollment.objects.create(learner=learner, course=course, order=order)
    client.force_login(learner)
    page = client.get(course.get_absolute_url()).content.decode()
    assert f'href="{survey.get_absolute_url()}" data-testid="survey-invitation"' in page
    assert other.get_absolute_url() not in page


def test_visitors_and_learners_who_have_not_bought_are_not_invited_on_the_course_page(client, learner):
    campaign = CampaignFactory()
    SurveyFactory(campaign=campaign)
    course = campaign.art_courses.get()
    assert 'data-testid="survey-invitations"' not in client.get(course.get_absolute_url()).content.decode()
    client.force_login(learner)
    assert 'data-testid="survey-invitations"' not in client.get(course.get_absolute_url()).content.decode()


@pytest.mark.parametrize("surveys", [1, 8])
def test_my_learning_invites_and_its_queries_do_not_grow_with_surveys(
    client, learner, django_assert_max_num_queries, surveys
):
    campaign = CampaignFactory()
    created = [SurveyFactory(campaign=campaign) for _ in range(surveys)]
    for course in (CourseFactory(), CourseFactory()):
        order = OrderFactory(learner=learner, course=course, status=Order.Status.PAID)
        Enrollment.objects.create(learner=learner, course=course, order=order)
    client.force_login(learner)
    # session, user, enrollments (with their orders), partners, lessons, progress and required
    # assignments (learning), survey invitations, referral links and credits (marketing: 2), orders,
    # and the "for you" row (the learner's survey wants, progress, skills and the candidates: 4)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("courses:my-learning")).content.decode()
    assert created[0].get_absolute_url() in page
    assert page.count('data-testid="survey-invitation"') == min(surveys, selectors.INVITATIONS_SHOWN)


def test_answering_takes_the_invitation_away(client, learner):
    survey = SurveyFactory(campaign=CampaignFactory())
    client.force_login(learner)
    assert survey.get_absolute_url() in client.get(reverse("courses:my-learning")).content.decode()
    answered(survey, learner)
    assert survey.get_absolute_url() not in client.get(reverse("courses:my-learning")).content.decode()
