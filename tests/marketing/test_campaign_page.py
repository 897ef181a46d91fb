import pytest
from django.urls import reverse

from tests.factories import CampaignFactory, CouponFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_the_campaign_page_offers_its_coupon_survey_and_a_share_block(client):
    campaign = CampaignFactory(bundle_price="399.00")
    CouponFactory(code="SPRING20", campaign=campaign, value=20)
    survey = SurveyFactory(campaign=campaign)
    page = client.get(reverse("marketing:campaign", args=[campaign.slug])).content.decode()
    assert "SPRING20" in page and "20% 优惠" in page
    assert f'href="{survey.get_absolute_url()}" data-testid="campaign-survey"' in page
    assert 'data-testid="copy-link"' in page and 'data-testid="share-sheet"' in page and "<svg" in page
    assert "还剩 {d} 天 {h} 小时 {m} 分钟" in page  # the countdown's format, in the page's language
    assert "<script>" not in page and "js/campaign.js" in page  # the CSP forbids inline script
    for share in campaign.partner_shares.all():
        assert share.partner.name in page


def test_home_and_the_campaign_courses_link_to_the_campaign_page(client):
    campaign = CampaignFactory()
    url = reverse("marketing:campaign", args=[campaign.slug])
    assert f'href="{url}"' in client.get("/").content.decode()
    course = campaign.art_courses.get()
    assert f'href="{url}"' in client.get(course.get_absolute_url()).content.decode()
