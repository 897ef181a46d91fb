"""A learner who finishes every required lesson gets a certificate anyone can verify; a refund revokes it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from courses import services as course_services
from courses.models import Enrollment
from courses.payments.sandbox import SandboxProvider
from learning import services
from learning.certificates import render_pdf
from learning.models import Certificate
from platform_site.exceptions import ApplicationError
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def buy(learner, course):
    order = course_services.order_checkout(learner=learner, course=course)[0]
    course_services.payment_confirm(notice=SandboxProvider().parse_callback(SandboxProvider().charge(order)))
    return order


def finish(learner, course):
    for lesson in course.lessons.all():
        services.lesson_mark_done(learner=learner, lesson=lesson)


def test_a_certificate_needs_every_required_lesson(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    services.lesson_mark_done(learner=learner, lesson=course.lessons.first())

    with pytest.raises(ApplicationError) as refusal:
        services.certificate_issue(learner=learner, course=course, name="王小明")

    assert refusal.value.code == "not_complete"


def test_the_name_is_entered_once(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    finish(learner, course)

    first = services.certificate_issue(learner=learner, course=course, name="  王  小明 ")
    again = services.certificate_issue(learner=learner, course=course, name="Someone Else")

    assert again.pk == first.pk and again.name == "王 小明"
    assert first.serial.startswith("KA-")


def test_the_pdf_is_bilingual_with_the_name_and_a_qr_code(learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    finish(learner, course)
    certificate = services.certificate_issue(learner=learner, course=course, name="王小明")

    pdf = render_pdf(certificate=certificate, verify_url=f"http://testserver/certificates/{certificate.serial}/")

    assert pdf.startswith(b"%PDF") and b"/Image" in pdf  # the QR code
    assert b"FontFile" in pdf  # the CJK font embedded (subset): Chinese renders on any reader


def test_the_learner_downloads_the_pdf_and_others_cannot(client, learner, other_learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    finish(learner, course)
    client.force_login(learner)
    client.post(f"/learn/courses/{course.slug}/certificate/", {"name": "王小明"})
    certificate = Certificate.objects.get()

    response = client.get(f"/learn/certificates/{certificate.serial}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"

    client.force_login(other_learner)
    assert client.get(f"/learn/certificates/{certificate.serial}/pdf/").status_code == 404


def test_the_verification_page_confirms_and_shows_nothing_else(client, learner, course):
    learner.email = "alice-private@example.com"
    learner.save()
    Enrollment.objects.create(learner=learner, course=course)
    finish(learner, course)
    certificate = services.certificate_issue(learner=learner, course=course, name="王小明")

    page = client.get(f"/certificates/{certificate.serial}/").content.decode()

    assert "王小明" in page and course.title_zh in page and certificate.serial in page
    assert learner.username not in page and learner.email not in page


def test_an_unknown_serial_is_not_found(client):
    assert client.get("/certificates/KA-2026-XXXX-XXXX-XXXX/").status_code == 404


def test_a_refund_revokes_the_certificate_and_the_page_says_so(client, learner, course):
    order = buy(learner, course)
    finish(learner, course)
    certificate = services.certificate_issue(learner=learner, course=course, name="王小明")

    course_services.order_refund(order=order)

    certificate.refresh_from_db()
    assert certificate.is_revoked
    client.get("/lang/en/")
    assert "was revoked on" in client.get(f"/certificates/{certificate.serial}/").content.decode()


def test_the_course_page_offers_the_certificate_once_complete(client, learner, course):
    Enrollment.objects.create(learner=learner, course=course)
    client.force_login(learner)
    assert 'data-testid="certificate-box"' not in client.get(course.get_absolute_url()).content.decode()

    finish(learner, course)
    page = client.get(course.get_absolute_url()).content.decode()

    assert 'data-testid="certificate-claim"' in page and 'data-testid="state-done"' in page


def _logo(colour: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(buffer, "PNG")
    return SimpleUploadedFile(f"{colour}.png", buffer.getvalue(), "image/png")


def test_the_pdf_carries_each_partners_logo_and_survives_a_broken_one(learner, course, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    knowledge, art = PartnerFactory(), PartnerFactory(kind="art_institution")
    knowledge.logo.save("k.png", _logo("navy"))
    art.logo.save("a.png", _logo("orange"))
    course.partners.set([knowledge, art])
    Enrollment.objects.create(learner=learner, course=course)
    finish(learner, course)
    certificate = services.certificate_issue(learner=learner, course=course, name="王小明")
    url = f"http://testserver/certificates/{certificate.serial}/"

    both = render_pdf(certificate=certificate, verify_url=url)
    (tmp_path / art.logo.name).write_bytes(b"not an image")
    one = render_pdf(certificate=certificate, verify_url=url)

    assert both.count(b"/Subtype /Image") == 3  # the QR code and two logos
    assert one.count(b"/Subtype /Image") == 2 and one.startswith(b"%PDF")
