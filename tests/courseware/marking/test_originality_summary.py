"""The marking page shows the handed-in version's originality result and links to its report."""

from django.urls import reverse

from courseware.models import OriginalityReport
from courseware.services.originality import originality_report_request, originality_report_run


def test_marking_page_shows_the_originality_state_then_the_score(client, school, essay):
    submission = essay.submission
    version = submission.versions.get(number=submission.current_version)
    OriginalityReport.objects.filter(version=version).delete()  # start unchecked
    url = reverse("courseware:mark-submission", args=[submission.pk])
    report_url = reverse("courseware:originality-report", args=[submission.pk, version.number])
    client.force_login(school.teacher)

    assert "Originality: not checked" in client.get(url).content.decode()

    report = originality_report_request(version=version, by=school.teacher)
    queued = client.get(url).content.decode()
    assert report_url in queued
    assert "Originality: queued" in queued

    report = originality_report_run(report_id=report.pk)
    done = client.get(url).content.decode()
    assert report.status == "done"
    assert f"Originality: {report.score}%" in done
